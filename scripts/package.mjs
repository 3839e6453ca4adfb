#!/usr/bin/env node
// `npm run package [-- --target darwin-arm64]`: builds the platform-specific .vsix with @vscode/vsce, offline.
//
// What goes in is staged first in .cache/package/<target>/, so nothing else of the working tree can slip in:
//   package.json (without scripts and dependency lists: everything is bundled or staged), README.md, LICENSE,
//   media/icon.png, dist/extension.js (the esbuild bundle), the .vscodeignore below as a second guard;
//   dist/node_modules/onnxruntime-node with only the target's native binaries (and onnxruntime-common's CommonJS
//   build), where the bundle's require('onnxruntime-node') finds them;
//   media/models/{lstm,gru}: model.json and the weights, without the Kneser-Ney baseline (only for measuring) and
//   without the ONNX export (the extension makes it from the weights at the first load: src/provider/onnxExportCache.ts).
// vsce runs with --no-dependencies (the staged folder is complete; no npm calls), so it opens no connection.
//
// Options: --target (vsce's platform names; default linux-x64), --models DIR (a folder holding lstm/ and gru/,
// default media/models), --out FILE (default smart-compose-<target>-<version>.vsix), --no-build.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';

const root = fileURLToPath(new URL('..', import.meta.url));
/** The bar the .vsix must stay under (issue 4), in bytes. */
const SIZE_BAR = 25_000_000;
const MODEL_NAMES = ['lstm', 'gru'];
/** Model files by role (model.json `files`) that suggesting does not read; see the header. */
const UNPACKAGED_ROLES = ['baseline', 'onnx'];

const options = new Command('npm run package --')
  .description('build the platform-specific .vsix (offline)')
  .option('--target <target>', 'platform: linux-x64, linux-arm64, darwin-arm64, win32-x64, win32-arm64', 'linux-x64')
  .option('--models <dir>', 'folder holding the default models lstm/ and gru/', join(root, 'media', 'models'))
  .option('--out <file>', 'the .vsix to write (default: smart-compose-<target>-<version>.vsix)')
  .option('--no-build', 'package dist/ as it is, without npm run build first')
  .parse()
  .opts();

const fail = (message) => {
  console.error(`package: ${message}`);
  process.exit(1);
};
const megabytes = (bytes) => `${(bytes / 1e6).toFixed(2)} MB`;
const run = (command, args, cwd = root) => {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed (${result.status ?? result.signal})`);
};

// --- the target's onnxruntime binaries ----------------------------------------------------------------------
const [platform, arch, ...rest] = options.target.split('-');
const ortDir = join(root, 'node_modules', 'onnxruntime-node');
const napiDir = readdirSync(join(ortDir, 'bin')).find((name) => /^napi-v\d+$/.test(name));
const available = napiDir
  ? readdirSync(join(ortDir, 'bin', napiDir)).flatMap((p) => readdirSync(join(ortDir, 'bin', napiDir, p)).map((a) => `${p}-${a}`))
  : [];
if (rest.length > 0 || !available.includes(`${platform}-${arch}`)) {
  fail(`onnxruntime-node has no native binary for target "${options.target}"; targets it has: ${available.join(', ')}`);
}
const binaryDir = join(ortDir, 'bin', napiDir, platform, arch);

/**
 * The target's binaries, less byte-identical copies whose name the binding does not load (the npm tarball holds
 * darwin's libonnxruntime.1.dylib twice, once under its full version).
 */
function nativeFiles() {
  const files = readdirSync(binaryDir);
  const binding = readFileSync(join(binaryDir, 'onnxruntime_binding.node'));
  const byContent = new Map();
  for (const file of files) {
    const hash = createHash('sha256').update(readFileSync(join(binaryDir, file))).digest('hex');
    byContent.set(hash, [...(byContent.get(hash) ?? []), file]);
  }
  return [...byContent.values()].flatMap((same) => (same.length === 1 ? same : same.filter((file) => binding.includes(file))));
}

// --- the models -----------------------------------------------------------------------------------------------
function modelFiles(directory) {
  const manifestFile = join(directory, 'model.json');
  if (!existsSync(manifestFile)) {
    fail(`${relative(root, manifestFile) || manifestFile} is missing: the default models come from \`npm run train:defaults\` (or give --models DIR)`);
  }
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  const files = Object.fromEntries(Object.entries(manifest.files ?? {}).filter(([role]) => !UNPACKAGED_ROLES.includes(role)));
  const packaged = { ...manifest, files };
  const binaries = [manifest.weights.file, ...Object.values(files).map((entry) => entry.file)];
  for (const file of binaries) if (!existsSync(join(directory, file))) fail(`${join(directory, file)} is missing (named by its model.json)`);
  // Same layout as saveModel writes (JSON with one-space indent), so the staged manifest reads like the original.
  return { manifest: JSON.stringify(packaged, null, 1) + '\n', binaries };
}

// --- staging --------------------------------------------------------------------------------------------------
if (options.build) run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build', '--silent']);
const bundle = join(root, 'dist', 'extension.js');
if (!existsSync(bundle)) fail('dist/extension.js is missing: run npm run build');

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const stage = join(root, '.cache', 'package', options.target);
rmSync(stage, { recursive: true, force: true });
const put = (from, to) => {
  mkdirSync(dirname(join(stage, to)), { recursive: true });
  copyFileSync(from, join(stage, to));
};

const manifest = { ...pkg };
for (const key of ['scripts', 'devDependencies', 'dependencies', 'allowScripts']) delete manifest[key];
mkdirSync(stage, { recursive: true });
writeFileSync(join(stage, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
for (const file of ['README.md', 'LICENSE', 'media/icon.png', '.vscodeignore']) put(join(root, file), file);
put(bundle, 'dist/extension.js');

const stagedOrt = 'dist/node_modules/onnxruntime-node';
put(join(ortDir, 'package.json'), `${stagedOrt}/package.json`);
for (const file of readdirSync(join(ortDir, 'dist')).filter((name) => name.endsWith('.js'))) put(join(ortDir, 'dist', file), `${stagedOrt}/dist/${file}`);
for (const file of nativeFiles()) put(join(binaryDir, file), `${stagedOrt}/bin/${napiDir}/${platform}/${arch}/${file}`);
const commonDir = join(root, 'node_modules', 'onnxruntime-common');
put(join(commonDir, 'package.json'), 'dist/node_modules/onnxruntime-common/package.json');
const cjs = join(commonDir, 'dist', 'cjs');
for (const file of readdirSync(cjs, { recursive: true })) {
  if (/\.js$|(^|\/)package\.json$/.test(file)) put(join(cjs, file), `dist/node_modules/onnxruntime-common/dist/cjs/${file}`);
}

for (const name of MODEL_NAMES) {
  const directory = resolve(options.models, name);
  const { manifest: packagedManifest, binaries } = modelFiles(directory);
  mkdirSync(join(stage, 'media', 'models', name), { recursive: true });
  writeFileSync(join(stage, 'media', 'models', name, 'model.json'), packagedManifest);
  for (const file of binaries) put(join(directory, file), `media/models/${name}/${file}`);
}

// --- vsce -----------------------------------------------------------------------------------------------------
const out = resolve(options.out ?? join(root, `${pkg.name}-${options.target}-${pkg.version}.vsix`));
run(process.execPath, [
  join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package',
  '--target', options.target,
  '--out', out,
  '--no-dependencies',
  // No repository to point relative README links at: they stay relative (the README shows them inside VS Code).
  '--allow-missing-repository',
  '--no-rewrite-relative-links',
], stage);

const staged = readdirSync(stage, { recursive: true })
  .map((file) => ({ file, bytes: statSync(join(stage, file)).size, isFile: statSync(join(stage, file)).isFile() }))
  .filter((entry) => entry.isFile && basename(entry.file) !== '.vscodeignore')
  .sort((a, b) => b.bytes - a.bytes);
console.log(`\nlargest staged files (uncompressed):`);
for (const { file, bytes } of staged.slice(0, 8)) console.log(`  ${megabytes(bytes).padStart(9)}  ${file}`);
const size = statSync(out).size;
console.log(`\n${out}: ${megabytes(size)} (${size.toLocaleString('en-US')} bytes; the bar is ${megabytes(SIZE_BAR)})`);
if (size > SIZE_BAR) fail(`the .vsix is ${megabytes(size - SIZE_BAR)} over the bar`);
