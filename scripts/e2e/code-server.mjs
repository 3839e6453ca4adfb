// Shared by the e2e launcher (code-server-vscode.mjs) and `npm start` (start.mjs): starts code-server (VS Code
// 1.139 in a browser) on 127.0.0.1 with a free port, offline, and tears it down by its process group.
// Offline means: EXTENSIONS_GALLERY='{}' (no marketplace), XDG_CONFIG_HOME and TMPDIR in a per-run folder (no
// ~/.config/code-server, no sockets left in /tmp), --disable-telemetry, --disable-update-check. With those,
// strace saw no connection to anything but loopback (shared/OFFLINE.md).
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const toolsFile = join(repoRoot, '.cache', 'e2e-tools.json');

/** The paths scripts/e2e/install.mjs recorded; a clear error when it has not run. */
export function readTools() {
  if (!existsSync(toolsFile)) {
    throw new Error(`${toolsFile} is missing: run \`node scripts/e2e/install.mjs\` first (npm run test:e2e and npm start do).`);
  }
  const tools = JSON.parse(readFileSync(toolsFile, 'utf8'));
  for (const path of [tools.node?.path, tools.codeServer?.entry, tools.chromium]) {
    if (!path || !existsSync(path)) {
      throw new Error(`${path ?? 'a tool path'} (from ${toolsFile}) is missing: run \`node scripts/e2e/install.mjs\` again.`);
    }
  }
  return tools;
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** User settings for a fresh profile: quiet, offline, no AI features that could also offer inline completions. */
export const defaultUserSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'github.copilot.enable': { '*': false },
  'git.enabled': false,
  'npm.fetchOnlinePackageInfo': false,
  'typescript.disableAutomaticTypeAcquisition': true,
  'json.schemaDownload.enable': false,
  'editor.inlineSuggest.enabled': true,
  'window.restoreWindows': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/**
 * Starts code-server and waits until /healthz answers.
 * @param {object} options
 * @param {string} options.runDir       per-run folder: XDG_CONFIG_HOME, TMPDIR and code-server's log go here
 * @param {string} options.userDataDir
 * @param {string} options.extensionsDir
 * @param {string} [options.folder]     folder to open (also passed in the URL by callers)
 * @param {boolean} [options.smokeTestDriver]  enables the ?payload= test entry (extension tests)
 * @param {number} [options.port]       default: a free port
 * @param {Record<string, unknown>} [options.settings]  written to the profile's settings.json when it has none
 * @param {Record<string, string>} [options.env]        extra environment (reaches the extension host)
 * @param {(line: string) => void} [options.onOutput]   each line code-server prints (default: only to its log)
 */
export async function startCodeServer(options) {
  const tools = readTools();
  const port = options.port ?? (await freePort());
  const xdg = join(options.runDir, 'xdg-config');
  const tmp = join(options.runDir, 'tmp');
  for (const dir of [options.runDir, xdg, tmp, options.userDataDir, options.extensionsDir, join(options.userDataDir, 'User')]) {
    mkdirSync(dir, { recursive: true });
  }
  const settingsFile = join(options.userDataDir, 'User', 'settings.json');
  if (!existsSync(settingsFile)) {
    // SMART_COMPOSE_VSCODE_SETTINGS='{"key": value}' adds or overrides settings of a fresh profile (for experiments).
    const fromEnv = process.env.SMART_COMPOSE_VSCODE_SETTINGS ? JSON.parse(process.env.SMART_COMPOSE_VSCODE_SETTINGS) : {};
    writeFileSync(settingsFile, JSON.stringify({ ...defaultUserSettings, ...options.settings, ...fromEnv }, null, 2) + '\n');
  }
  const args = [
    tools.codeServer.entry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', options.userDataDir,
    '--extensions-dir', options.extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    ...(options.folder ? [options.folder] : []),
  ];
  const logFile = join(options.runDir, 'code-server.log');
  const logStream = createWriteStream(logFile);
  const child = spawn(tools.node.path, args, {
    cwd: options.runDir,
    // Its own process group, so that stop() also ends the extension host, the file watcher and the pty host.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...options.env,
      EXTENSIONS_GALLERY: '{}',
      XDG_CONFIG_HOME: xdg,
      XDG_DATA_HOME: join(options.runDir, 'xdg-data'),
      XDG_CACHE_HOME: join(options.runDir, 'xdg-cache'),
      TMPDIR: tmp,
      // Nothing of the calling npm/node must leak into VS Code's own Node processes.
      NODE_OPTIONS: '',
    },
  });
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });
  let pending = '';
  const onData = (chunk) => {
    logStream.write(chunk);
    if (!options.onOutput) return;
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) options.onOutput(line);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const signalGroup = (signal) => {
      try {
        process.kill(-child.pid, signal);
        return true;
      } catch {
        return false; // the group is gone
      }
    };
    if (signalGroup('SIGTERM')) {
      const deadline = Date.now() + 3000;
      while (Date.now() < deadline && signalGroup(0)) await sleep(50);
      signalGroup('SIGKILL');
    }
    await Promise.race([exitPromise, sleep(1000)]);
    logStream.end();
  };
  /** For process 'exit' handlers, which cannot wait. */
  const stopSync = () => {
    stopped = true;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) {
      await stop();
      const log = readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
      throw new Error(`code-server exited (${exited.code ?? exited.signal}) before it was ready. Its last lines (${logFile}):\n${log}`);
    }
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer on ${url}/healthz within 60 s (log: ${logFile})`);
    }
    await sleep(100);
  }
  return { url, port, child, logFile, stop, stopSync, exited: exitPromise };
}

/** The flags that keep Debian's Chromium quiet and offline (shared/OFFLINE.md); playwright adds --headless. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--disable-domain-reliability',
  '--disable-client-side-phishing-detection',
  '--no-default-browser-check',
  '--metrics-recording-only',
  '--no-pings',
  '--dns-prefetch-disable',
  // Chromium's own services (autofill field types, sign-in, component updates) still look up Google's hosts even
  // with the flags above; strace saw their DNS queries. No name resolves now, no query leaves: only 127.0.0.1 is used.
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
];

/** Debian's Chromium, headless, with the flags above; its config and cache stay in the run folder. */
export async function launchChromium(tools, runDir) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: tools.chromium,
    headless: true,
    args: chromiumArgs,
    // Debian's wrapper and Chromium's crash handler write under XDG_CONFIG_HOME (~/.config/chromium otherwise).
    env: { ...process.env, XDG_CONFIG_HOME: join(runDir, 'chromium-config'), XDG_CACHE_HOME: join(runDir, 'chromium-cache') },
  });
}

/** True for requests that stay on this machine's loopback; every other request is aborted in the page. */
export function isLoopbackUrl(url) {
  try {
    const { protocol, hostname } = new URL(url);
    if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return true;
    return hostname === '127.0.0.1';
  } catch {
    return false;
  }
}
