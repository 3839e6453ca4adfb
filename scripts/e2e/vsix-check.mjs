#!/usr/bin/env node
// Installs a .vsix into a fresh code-server profile (as a user would, with --install-extension), opens the e2e
// fixture folder in headless Chromium, types "The dog bit the" into story.md, waits for ghost text, accepts it with
// Tab and prints the line and the extension's log (activation time, ONNX export, model load). Offline like the e2e
// run (scripts/e2e/code-server.mjs). Exit code 0 when the ghost text appeared and Tab inserted it.
//
// Usage: node scripts/e2e/vsix-check.mjs FILE.vsix ["text to type"]   (after node scripts/e2e/install.mjs)
// The text (default "The dog bit the", which tiny models trained on test/e2e/fixture-corpus.txt continue; for the
// shipped models e.g. "For more information, see the ") must be one the packaged model continues; the run folder
// .cache/vsix-check/<time> is kept for its logs.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isLoopbackUrl, launchChromium, readTools, repoRoot, startCodeServer } from './code-server.mjs';

const vsix = process.argv[2] ? resolve(process.argv[2]) : undefined;
if (!vsix || !existsSync(vsix)) {
  console.error('usage: node scripts/e2e/vsix-check.mjs FILE.vsix');
  process.exit(2);
}
const typed = process.argv[3] ?? 'The dog bit the';
const say = (message) => console.log(`[vsix-check] ${message}`);
const tools = readTools();
const runDir = join(repoRoot, '.cache', 'vsix-check', new Date().toISOString().replace(/[:.]/g, '-'));
const extensionsDir = join(runDir, 'extensions');
const userDataDir = join(runDir, 'user-data');
const folder = join(runDir, 'workspace');
mkdirSync(runDir, { recursive: true });
cpSync(join(repoRoot, 'test', 'e2e', 'fixture'), folder, { recursive: true });

const install = spawnSync(tools.node.path, [tools.codeServer.entry, '--install-extension', vsix, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir], {
  encoding: 'utf8',
  env: { ...process.env, EXTENSIONS_GALLERY: '{}', XDG_CONFIG_HOME: join(runDir, 'xdg-config'), XDG_DATA_HOME: join(runDir, 'xdg-data'), NODE_OPTIONS: '' },
});
say(`install: ${(install.stdout + install.stderr).trim()}`);
if (install.status !== 0) process.exit(1);
say(`installed: ${readdirSync(extensionsDir).filter((name) => !name.endsWith('.json')).join(', ')}`);

const server = await startCodeServer({ runDir, userDataDir, extensionsDir, folder });
let ok = false;
let browser;
let page;
try {
  browser = await launchChromium(tools, runDir);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.route('**/*', (route) => (isLoopbackUrl(route.request().url()) ? route.continue() : route.abort('blockedbyclient')));
  page = await context.newPage();
  await page.goto(`${server.url}/?folder=${encodeURIComponent(folder)}`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  // Opens story.md from the Explorer, then types at the end of the file as a user would.
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'story.md' });
  await row.waitFor({ timeout: 60_000 });
  await row.click();
  await page.waitForSelector('.monaco-editor .view-lines', { timeout: 20_000 });
  await page.click('.monaco-editor .view-lines');
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type(typed, { delay: 60 });
  const started = Date.now();
  const ghost = await page.waitForSelector('.ghost-text-decoration, .ghost-text', { timeout: 30_000 });
  say(`ghost text "${(await ghost.textContent())?.trim()}" after ${Date.now() - started} ms`);
  await page.screenshot({ path: join(runDir, 'ghost-text.png') });
  await page.keyboard.press('Tab');
  await page.waitForTimeout(500);
  const lines = await page.$$eval('.monaco-editor .view-line', (elements) => elements.map((element) => element.textContent?.replace(/\u00a0/g, ' ') ?? ''));
  const line = lines.find((text) => text.startsWith(typed));
  say(`after Tab: "${line}"`);
  ok = line !== undefined && line.length > typed.length;
} catch (error) {
  say(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
  await page?.screenshot({ path: join(runDir, 'failure.png') }).catch(() => {});
} finally {
  await browser?.close().catch(() => {});
  await server.stop();
}

const logs = [];
const findLogs = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) findLogs(path);
    else if (entry.name === 'Smart Compose.log') logs.push(path);
  }
};
findLogs(runDir);
for (const log of logs) say(`${log}:\n${readFileSync(log, 'utf8').trim()}`);
say(`${ok ? 'OK' : 'NOT OK'}; run folder ${runDir}`);
process.exit(ok ? 0 : 1);
