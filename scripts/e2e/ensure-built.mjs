#!/usr/bin/env node
// Runs `npm run build` only when the e2e run's inputs are newer than its outputs (or an output is missing), so that
// `npm test` (which has just built) does not build twice and `npm run test:e2e` alone still tests fresh code.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const outputs = ['dist/extension.js', 'out/test/e2e/runTests.js', 'out/test/e2e/suite/index.js'].map((path) => join(root, path));
const inputs = ['src', 'test/e2e', 'package.json', 'tsconfig.json', 'esbuild.config.mjs'].map((path) => join(root, path));

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

const missing = outputs.filter((path) => !existsSync(path));
const oldestOutput = missing.length > 0 ? 0 : Math.min(...outputs.map((path) => statSync(path).mtimeMs));
const newestInput = Math.max(...inputs.map(newestMtime));
if (missing.length === 0 && newestInput <= oldestOutput) {
  console.log('[e2e] build is up to date');
} else {
  console.log(`[e2e] building (${missing.length > 0 ? `missing ${missing.map((p) => p.slice(root.length)).join(', ')}` : 'sources changed'}): npm run build`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
