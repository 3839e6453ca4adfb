#!/usr/bin/env node
// `npm start`: VS Code (code-server, offline) on 127.0.0.1 with Smart Compose installed, for trying it by hand.
// The repository is linked into a private extensions folder as smart-compose.smart-compose-<version>, so a rebuild
// (npm run build) followed by "Developer: Reload Window" picks up new code. The sample folder (media/sample) is
// copied once to .cache/start/workspace, so what you type there never changes the repository.
//
// Usage: npm start [-- FOLDER] [-- --port N]      Profile (settings, state): .cache/start/user-data
// Ctrl+C stops code-server and everything it started.
import { cpSync, existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { repoRoot, startCodeServer } from './code-server.mjs';

const args = process.argv.slice(2);
let folder;
let port;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--port') port = Number(args[++i]);
  else if (args[i].startsWith('--port=')) port = Number(args[i].slice('--port='.length));
  else folder = resolve(args[i]);
}

const startDir = join(repoRoot, '.cache', 'start');
const extensionsDir = join(startDir, 'extensions');
mkdirSync(extensionsDir, { recursive: true });

// The extension, as an installed one: <publisher>.<name>-<version> -> the repository.
const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const extensionFolder = join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
const linked = (() => {
  try {
    return readlinkSync(extensionFolder);
  } catch {
    return undefined;
  }
})();
if (linked !== repoRoot) {
  rmSync(extensionFolder, { recursive: true, force: true });
  symlinkSync(repoRoot, extensionFolder, 'dir');
}
// VS Code caches the scanned extension list; a stale one would hide a version change.
rmSync(join(extensionsDir, 'extensions.json'), { force: true });
rmSync(join(extensionsDir, '.obsolete'), { force: true });

if (!folder) {
  folder = join(startDir, 'workspace');
  if (!existsSync(folder)) cpSync(join(repoRoot, 'media', 'sample'), folder, { recursive: true });
}

const server = await startCodeServer({
  runDir: join(startDir, 'run'),
  userDataDir: join(startDir, 'user-data'),
  extensionsDir,
  folder,
  port,
});

const address = `${server.url}/?folder=${encodeURIComponent(folder)}`;
console.log('');
console.log(`  Smart Compose ${manifest.version} in VS Code (code-server), offline, on 127.0.0.1 only.`);
console.log(`  Open: ${address}`);
console.log(`  Folder: ${folder}`);
console.log(`  Log of code-server: ${server.logFile}`);
console.log('  Ctrl+C stops it.');
console.log('');

let stopping = false;
const stop = async (signal) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n[start] ${signal}: stopping code-server`);
  await server.stop();
  process.exit(0);
};
process.on('exit', () => server.stopSync());
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void stop(signal));
const how = await server.exited;
if (!stopping) {
  console.error(`[start] code-server exited (${how.code ?? how.signal}); see ${server.logFile}`);
  process.exit(1);
}
