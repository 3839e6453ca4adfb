#!/usr/bin/env node
// A stand-in for a VS Code executable, for @vscode/test-electron's runTests({ vscodeExecutablePath }) on machines
// where no desktop VS Code can be downloaded: it takes the same arguments, runs the extension tests in a real
// VS Code 1.139 (code-server, extension host on Node 24) shown in headless Chromium, relays the tests' output and
// exits with their exit code.
//
// Arguments (as runTests passes them): --extensionDevelopmentPath=DIR, --extensionTestsPath=FILE, and launchArgs
// such as the folder to open. --user-data-dir and --extensions-dir are ignored: each run gets a fresh profile in
// its own folder (.cache/e2e/runs/...), removed after a passing run and kept after a failing one. Desktop-only
// flags (--no-sandbox, --disable-gpu-sandbox, --disable-updates, --skip-welcome, ...) are accepted and ignored.
//
// Environment:
//   SMART_COMPOSE_E2E_TIMEOUT      overall limit in seconds (default 300): past it, a screenshot, a clear message, exit 1
//   SMART_COMPOSE_SCREENSHOTS=DIR  save screenshots there: workbench.png at the end, and NAME.png whenever a test
//                                  asks (helpers.screenshot(NAME) prints a marker line; the file appears when done)
//   SMART_COMPOSE_E2E_VERBOSE=1    also print the browser console's errors, aborted requests and code-server's output
//   SMART_COMPOSE_E2E_KEEP=1       keep the run folder after a passing run too
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { format } from 'node:util';
import { isLoopbackUrl, launchChromium, readTools, repoRoot, startCodeServer } from './code-server.mjs';

export const SCREENSHOT_MARKER = '[smart-compose:screenshot] ';
const workbenchChatter =
  /^(Resolving connection token|Resolved connection token|Creating a socket|\[reconnection-grace-time\]|Ignoring fetching additional builtin extensions|Updating additional builtin extensions cache|\[Service Worker\]|\[AgentHost|\[AccountPolicyGate\])/;

const started = Date.now();
const verbose = process.env.SMART_COMPOSE_E2E_VERBOSE === '1';
const timeoutSeconds = Number(process.env.SMART_COMPOSE_E2E_TIMEOUT ?? 300);
const screenshotDir = process.env.SMART_COMPOSE_SCREENSHOTS ? resolve(process.env.SMART_COMPOSE_SCREENSHOTS) : undefined;
const say = (message) => console.log(`[code-server-vscode] ${message}`);
const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

// --- arguments ---------------------------------------------------------------------------------------------------
const ignoredFlags = new Set([
  '--no-sandbox', '--disable-gpu-sandbox', '--disable-gpu', '--disable-updates', '--skip-welcome',
  '--skip-release-notes', '--disable-workspace-trust', '--new-window', '--wait', '--disable-telemetry',
  '--disable-chromium-sandbox', '--sync=off', '--disable-crash-reporter',
]);
const developmentPaths = [];
let testsPath;
let disableExtensions = false;
const folders = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  const [name, inlineValue] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
  const value = () => inlineValue ?? argv[++i];
  switch (name) {
    case '--extensionDevelopmentPath': developmentPaths.push(resolve(value())); break;
    case '--extensionTestsPath': testsPath = resolve(value()); break;
    case '--user-data-dir': case '--extensions-dir': case '--locale': case '--log': value(); break;
    case '--disable-extensions': disableExtensions = true; break;
    default:
      if (!arg.startsWith('-')) folders.push(resolve(arg));
      else if (!ignoredFlags.has(name)) say(`ignoring unsupported argument ${arg}`);
  }
}
if (developmentPaths.length > 1) say(`only the first --extensionDevelopmentPath is loaded: ${developmentPaths[0]}`);
if (folders.length > 1) say(`only the first folder is opened: ${folders[0]}`);
const folder = folders[0];
if (!testsPath) {
  console.error('[code-server-vscode] --extensionTestsPath=... is required (for an interactive session use `npm start`).');
  process.exit(2);
}

// --- run folder --------------------------------------------------------------------------------------------------
const runsDir = join(repoRoot, '.cache', 'e2e', 'runs');
mkdirSync(runsDir, { recursive: true });
for (const old of readdirSync(runsDir)) {
  // Kept folders of failed runs older than a day.
  const path = join(runsDir, old);
  if (Date.now() - statSync(path).mtimeMs > 24 * 3600 * 1000) rmSync(path, { recursive: true, force: true });
}
const runDir = join(runsDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
mkdirSync(runDir, { recursive: true });
if (screenshotDir) mkdirSync(screenshotDir, { recursive: true });

// --- teardown ----------------------------------------------------------------------------------------------------
let server;
let browser;
let finishing = false;
async function finish(code, message) {
  if (finishing) return;
  finishing = true;
  if (message) console.error(`[code-server-vscode] ${message}`);
  try {
    await browser?.close();
  } catch {
    // already closed
  }
  await server?.stop();
  if (code === 0 && process.env.SMART_COMPOSE_E2E_KEEP !== '1') rmSync(runDir, { recursive: true, force: true });
  else say(`run folder kept: ${runDir} (code-server.log, the workbench's logs/)`);
  say(`done in ${seconds()}, exit code ${code}`);
  process.exit(code);
}
process.on('exit', () => server?.stopSync());
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => void finish(130, `stopped by ${signal}`));
}
const overall = setTimeout(async () => {
  let shot = '';
  try {
    const file = join(screenshotDir ?? runDir, 'timeout.png');
    await page?.screenshot({ path: file });
    shot = ` A screenshot of the workbench at that moment: ${file}.`;
  } catch {
    // no page yet
  }
  await finish(1, `TIMEOUT: the extension tests did not finish within ${timeoutSeconds} s (SMART_COMPOSE_E2E_TIMEOUT).${shot} ` +
    `See code-server's log in ${runDir}.`);
}, timeoutSeconds * 1000);
overall.unref();

// --- code-server -------------------------------------------------------------------------------------------------
const tools = readTools();
let page;
try {
  // Variables the test runner or the caller set for the tests reach the extension host through code-server's
  // environment (it inherits ours) and, for the workbench's own bookkeeping, the payload's extensionEnvironment.
  const extensionEnvironment = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(SMART_COMPOSE_|MOCHA_)/.test(key) && value !== undefined) extensionEnvironment[key] = value;
  }
  if (screenshotDir) extensionEnvironment.SMART_COMPOSE_SCREENSHOTS = screenshotDir;
  server = await startCodeServer({
    runDir,
    userDataDir: join(runDir, 'user-data'),
    extensionsDir: join(runDir, 'extensions'),
    folder,
    smokeTestDriver: true,
    env: extensionEnvironment,
    onOutput: verbose ? (line) => console.log(`[code-server] ${line}`) : undefined,
  });
  say(`code-server ${tools.codeServer.version} ready on ${server.url} in ${seconds()}`);

  // --- Chromium ----------------------------------------------------------------------------------------------------
  browser = await launchChromium(tools, runDir);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const aborted = new Set();
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLoopbackUrl(url)) return route.continue();
    const origin = (() => {
      try {
        return new URL(url).origin;
      } catch {
        return url;
      }
    })();
    if (verbose && !aborted.has(origin)) say(`aborted a request to ${origin} (only 127.0.0.1 is allowed)`);
    aborted.add(origin);
    return route.abort('blockedbyclient');
  });
  page = await context.newPage();
  if (verbose) {
    page.on('console', (message) => {
      if (message.type() === 'error') console.log(`[browser console] ${message.text()}`);
    });
    page.on('pageerror', (error) => console.log(`[browser page error] ${error.message}`));
  }

  let exitCode;
  const exited = new Promise((resolveExit) => {
    exitCode = resolveExit;
  });
  const screenshots = [];
  await page.exposeFunction('codeAutomationLog', (level, args) => {
    if (finishing) return; // the workbench's shutdown chatter
    const text = Array.isArray(args) ? format(...args) : format(args);
    for (const line of text.split('\n')) {
      const at = line.indexOf(SCREENSHOT_MARKER);
      if (at >= 0 && screenshotDir) {
        const name = line.slice(at + SCREENSHOT_MARKER.length).trim().replace(/[^\w.-]/g, '_');
        const file = join(screenshotDir, `${name}.png`);
        screenshots.push(
          page
            .screenshot({ path: `${file}.partial.png` })
            // The test waits for this name: it appears only once the image is complete.
            .then(() => renameSync(`${file}.partial.png`, file))
            .then(() => say(`screenshot ${file}`))
            .catch((error) => say(`screenshot ${name} failed: ${error.message}`)),
        );
      }
    }
    if (text.includes(SCREENSHOT_MARKER)) return;
    // The workbench's own chatter about its connection and the (disabled) gallery, shown only when verbose.
    if (!verbose && workbenchChatter.test(text)) return;
    const stream = level === 'error' || level === 'warn' ? process.stderr : process.stdout;
    stream.write(`${text}\n`);
  });
  await page.exposeFunction('codeAutomationExit', async (code, logs) => {
    if (Array.isArray(logs)) {
      // The workbench hands over its logs (renderer, extension host, ...): keep them with the run.
      for (const { relativePath, contents } of logs) {
        if (typeof relativePath !== 'string' || typeof contents !== 'string') continue;
        const file = join(runDir, 'logs', relativePath);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, contents);
      }
    }
    exitCode(typeof code === 'number' ? code : 1);
  });

  const remote = (path) => `vscode-remote://127.0.0.1:${server.port}${path}`;
  const payload = [
    ['extensionDevelopmentPath', remote(developmentPaths[0] ?? repoRoot)],
    ['extensionTestsPath', remote(testsPath)],
    ['extensionEnvironment', JSON.stringify(extensionEnvironment)],
    ...(disableExtensions ? [['disableExtensions', 'true']] : []),
  ];
  const url = `${server.url}/?${folder ? `folder=${encodeURIComponent(folder)}&` : ''}payload=${encodeURIComponent(JSON.stringify(payload))}`;
  say(`opening the workbench in headless Chromium (${tools.chromium})${folder ? ` on ${folder}` : ''}`);
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  // The workbench runs the tests in the extension host and calls codeAutomationExit at their end;
  // should code-server die first, that ends the run too.
  const outcome = await Promise.race([
    exited.then((code) => ({ code })),
    server.exited.then((how) => ({ code: 1, message: `code-server exited (${how.code ?? how.signal}) before the tests finished` })),
  ]);
  if (screenshotDir) {
    try {
      await page.screenshot({ path: join(screenshotDir, 'workbench.png') });
      say(`screenshot ${join(screenshotDir, 'workbench.png')}`);
    } catch (error) {
      say(`final screenshot failed: ${error.message}`);
    }
  }
  await Promise.allSettled(screenshots);
  if (aborted.size > 0) say(`aborted requests to ${aborted.size} non-loopback origin(s): ${[...aborted].join(', ')}`);
  await finish(outcome.code, outcome.message);
} catch (error) {
  await finish(1, `FAILED: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
}
