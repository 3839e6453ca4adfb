// Entry of the end-to-end suite: VS Code's extension host loads this module (--extensionTestsPath) and awaits run().
// It runs mocha (bdd) on the compiled *.test.js files beside it and prints the closing line "N passed, N failed".
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

export async function run(): Promise<void> {
  // VS Code for the web saves after a delay by default: text a test types would reach the fixture's files on disk
  // (where Train on Workspace reads them) and survive the revert between tests.
  await vscode.workspace.getConfiguration('files').update('autoSave', 'off', vscode.ConfigurationTarget.Global);
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: Number(process.env.SMART_COMPOSE_E2E_TEST_TIMEOUT ?? 30_000),
    grep: process.env.MOCHA_GREP,
  });
  for (const file of readdirSync(__dirname).filter((name) => name.endsWith('.test.js')).sort()) {
    mocha.addFile(join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const { passes = 0, pending = 0 } = runner.stats ?? {};
        const summary = { passed: passes, failed: failures, skipped: pending };
        console.log(`${passes} passed, ${failures} failed${pending > 0 ? `, ${pending} skipped` : ''}`);
        // runTests.ts repeats the count as the very last line of the whole run, after VS Code's own output.
        const resultFile = process.env.SMART_COMPOSE_E2E_RESULT;
        if (resultFile) writeFileSync(resultFile, JSON.stringify(summary) + '\n');
        if (failures > 0) reject(new Error(`${failures} end-to-end test(s) failed`));
        else if (passes === 0) reject(new Error('no end-to-end test ran'));
        else resolve();
      });
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
