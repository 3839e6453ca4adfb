// Runs the end-to-end suite (test/e2e/suite) in a real VS Code through @vscode/test-electron's runTests.
//   SMART_COMPOSE_VSCODE=code-server (default)  code-server 1.139 in headless Chromium, offline, through
//                                               scripts/e2e/code-server-vscode.mjs (run scripts/e2e/install.mjs first)
//   SMART_COMPOSE_VSCODE=download               desktop VS Code downloaded by @vscode/test-electron (needs its
//                                               download site; SMART_COMPOSE_VSCODE_VERSION, default 'stable')
//   SMART_COMPOSE_VSCODE=/path/to/code          an installed desktop VS Code executable
// The fixture folder is copied to a fresh folder under .cache/e2e first, so tests may edit and save files.
// Before VS Code starts, a tiny LSTM and a tiny GRU are trained on test/e2e/fixture-corpus.txt (a few seconds);
// the extension finds them through SMART_COMPOSE_MODELS_DIR, which it reads only in development and test mode.
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TestRunFailedError, runTests } from '@vscode/test-electron';

const repoRoot = resolve(__dirname, '..', '..', '..');

/** Trains a tiny model of `arch` into `out` with the CLI; rejects with its output if it fails. */
function trainTinyModel(arch: 'lstm' | 'gru', out: string): Promise<void> {
  const args = [
    join(repoRoot, 'dist', 'cli.js'), 'train', '--arch', arch, '--corpus', join(repoRoot, 'test', 'e2e', 'fixture-corpus.txt'),
    '--out', out, '--embedding', '16', '--hidden', '32', '--vocab-size', '200', '--min-count', '1', '--epochs', '30',
    '--dropout', '0', '--batch', '4', '--steps', '16', '--lr', '0.01', '--kernels', 'typescript', '--no-tune',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`training the ${arch} test model failed (exit ${code}):\n${output}`))));
  });
}

async function main(): Promise<number> {
  const started = Date.now();
  const mode = process.env.SMART_COMPOSE_VSCODE ?? 'code-server';
  const e2eDir = join(repoRoot, '.cache', 'e2e');
  const workspace = join(e2eDir, `workspace-${process.pid}`);
  const resultFile = join(e2eDir, `result-${process.pid}.json`);
  mkdirSync(e2eDir, { recursive: true });
  cpSync(join(repoRoot, 'test', 'e2e', 'fixture'), workspace, { recursive: true });
  rmSync(resultFile, { force: true });
  const models = join(e2eDir, `models-${process.pid}`);
  // Also when runTests ends the process itself (it calls process.exit after a Ctrl+C).
  process.on('exit', () => {
    rmSync(workspace, { recursive: true, force: true });
    rmSync(resultFile, { force: true });
    rmSync(models, { recursive: true, force: true });
  });
  const training = Date.now();
  await Promise.all([trainTinyModel('lstm', join(models, 'lstm')), trainTinyModel('gru', join(models, 'gru'))]);
  console.log(`[e2e] trained the tiny LSTM and GRU test models in ${((Date.now() - training) / 1000).toFixed(1)} s`);
  // The code-server launcher passes SMART_COMPOSE_* variables of this process to the extension host.
  process.env.SMART_COMPOSE_MODELS_DIR = models;

  const common = {
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: join(repoRoot, 'out', 'test', 'e2e', 'suite', 'index.js'),
    extensionTestsEnv: { SMART_COMPOSE_E2E_RESULT: resultFile, SMART_COMPOSE_MODELS_DIR: models },
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
