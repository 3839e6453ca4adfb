// Runs the end-to-end suite (test/e2e/suite) in a real VS Code through @vscode/test-electron's runTests.
//   SMART_COMPOSE_VSCODE=code-server (default)  code-server 1.139 in headless Chromium, offline, through
//                                               scripts/e2e/code-server-vscode.mjs (run scripts/e2e/install.mjs first)
//   SMART_COMPOSE_VSCODE=download               desktop VS Code downloaded by @vscode/test-electron (needs its
//                                               download site; SMART_COMPOSE_VSCODE_VERSION, default 'stable')
//   SMART_COMPOSE_VSCODE=/path/to/code          an installed desktop VS Code executable
// The fixture folder is copied to a fresh folder under .cache/e2e first, so tests may edit and save files.
import { chmodSync, cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TestRunFailedError, runTests } from '@vscode/test-electron';

const repoRoot = resolve(__dirname, '..', '..', '..');

async function main(): Promise<number> {
  const started = Date.now();
  const mode = process.env.SMART_COMPOSE_VSCODE ?? 'code-server';
  const e2eDir = join(repoRoot, '.cache', 'e2e');
  const workspace = join(e2eDir, `workspace-${process.pid}`);
  const resultFile = join(e2eDir, `result-${process.pid}.json`);
  mkdirSync(e2eDir, { recursive: true });
  cpSync(join(repoRoot, 'test', 'e2e', 'fixture'), workspace, { recursive: true });
  rmSync(resultFile, { force: true });
  // Also when runTests ends the process itself (it calls process.exit after a Ctrl+C).
  process.on('exit', () => {
    rmSync(workspace, { recursive: true, force: true });
    rmSync(resultFile, { force: true });
  });

  const common = {
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: join(repoRoot, 'out', 'test', 'e2e', 'suite', 'index.js'),
    extensionTestsEnv: { SMART_COMPOSE_E2E_RESULT: resultFile },
  };
  let vscodeExecutablePath: string | undefined;
  if (mode === 'code-server') {
    vscodeExecutablePath = join(repoRoot, 'scripts', 'e2e', 'code-server-vscode.mjs');
    chmodSync(vscodeExecutablePath, 0o755);
  } else if (mode !== 'download') {
    vscodeExecutablePath = resolve(mode);
  }
  console.log(`[e2e] VS Code: ${vscodeExecutablePath ?? `download (${process.env.SMART_COMPOSE_VSCODE_VERSION ?? 'stable'})`}`);

  let code: number;
  try {
    code = await runTests({
      ...common,
      ...(vscodeExecutablePath ? { vscodeExecutablePath } : { version: process.env.SMART_COMPOSE_VSCODE_VERSION ?? 'stable' }),
      // Profile folders inside .cache (the code-server launcher makes a fresh one per run and ignores these).
      launchArgs: [
        workspace,
        `--user-data-dir=${join(e2eDir, 'vscode-user-data')}`,
        `--extensions-dir=${join(e2eDir, 'vscode-extensions')}`,
      ],
    });
  } catch (error) {
    code = error instanceof TestRunFailedError ? (error.code ?? 1) : 1;
    if (!(error instanceof TestRunFailedError)) console.error(`[e2e] ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }

  // The suite's count again, as the very last line of the run (VS Code prints its own lines after the suite's).
  let summary: { passed: number; failed: number; skipped: number } | undefined;
  try {
    summary = JSON.parse(readFileSync(resultFile, 'utf8')) as typeof summary;
  } catch {
    summary = undefined;
  }
  rmSync(resultFile, { force: true });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (summary) {
    const skipped = summary.skipped > 0 ? `, ${summary.skipped} skipped` : '';
    // A run that failed outside any test (exit code without a failed test) counts as one failure.
    const failed = code !== 0 && summary.failed === 0 ? 1 : summary.failed;
    console.log(`[e2e] finished in ${seconds} s with exit code ${code}`);
    console.log(`e2e: ${summary.passed} passed, ${failed} failed${skipped}`);
  } else {
    console.log(`[e2e] finished in ${seconds} s with exit code ${code}: the suite reported no result (it did not run or did not finish)`);
    if (code !== 0) console.log('e2e: 0 passed, 1 failed');
  }
  return code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
