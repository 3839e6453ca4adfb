// npm run train:defaults: trains the default models that the extension ships (media/models/lstm and
// media/models/gru) on the corpus that `npm run corpus` builds, with the engine's own CLI. Both train at once,
// one kernel thread each, which on two cores finishes both sooner than one after the other with two threads.
// Seeded, and stopped by a fixed share of an epoch rather than a time budget, so a rerun does the same work.
// Training runs in two stages, the second continuing the first (`train --init`, on the text after what the first
// saw, with a new warm-up and cool-down), so that a stage fits a working session; the shipped models were made this
// way (the second stage took 62-66 minutes here, both models at once). Each stage's weights are rewritten in float16 (half the size to ship; the
// ONNX export is made again from exactly those weights) before the next reads them. The model is written to
// .cache/models/<arch> first and copied into media/models/<arch> when complete, its Kneser-Ney baseline (for
// measuring only, and the same for both) into media/models/baseline.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CORPUS = '.cache/corpus/train.txt';
const HYPERPARAMETERS = [
  '--vocab-size', '10000', '--min-count', '2',
  '--embedding', '128', '--hidden', '256', '--layers', '1',
  '--batch', '32', '--steps', '32', '--lr', '3e-3', '--dropout', '0.1',
  '--epochs', '0.45', '--cooldown', '0.3',
  // A safety net only: on a busy machine the time budget, not the epoch share, ends training (the cooldown follows
  // whichever ends first); the figures then differ within noise.
  '--max-seconds', '4500',
  '--valid-fraction', '0.004', '--validate-every', '1000',
  '--threads', '1', '--seed', '1',
];
/** The second stage: one more epoch from where the first stopped, from a lower peak learning rate. */
const CONTINUATION = ['--epochs', '1', '--lr', '2e-3'];
// `-- --ship-only`: skip training and ship what .cache/models holds (after a run whose shipping step failed).
const SHIP_ONLY = process.argv.includes('--ship-only');
const NAMED = process.argv.slice(2).filter((a) => a !== '--ship-only');
const ARCHITECTURES = NAMED.length > 0 ? NAMED : ['lstm', 'gru'];

if (!SHIP_ONLY && !existsSync(CORPUS)) {
  console.error(`train:defaults: ${CORPUS} is missing; run \`npm run corpus\` first`);
  process.exit(1);
}

function cli(arch, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/cli.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(process.stderr);
    child.stderr.on('data', (chunk) => {
      for (const line of String(chunk).split('\n')) if (line) process.stderr.write(`[${arch}] ${line}\n`);
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args[0]} of the ${arch} model failed (exit ${code})`))));
  });
}

async function trainOne(arch) {
  const first = join('.cache', 'models', `${arch}-stage1`);
  const out = join('.cache', 'models', arch);
  if (!SHIP_ONLY) {
    // The first stage's confidence gate would be chosen for nothing: only the second stage's is shipped.
    await cli(arch, ['train', '--arch', arch, '--corpus', CORPUS, '--out', first, ...HYPERPARAMETERS, '--no-tune']);
    await cli(arch, ['export', '--model', first, '--weights', 'float16']);
    // Later options win with commander, so the continuation's epochs and learning rate replace the first stage's.
    await cli(arch, ['train', '--init', first, '--corpus', CORPUS, '--out', out, ...HYPERPARAMETERS, ...CONTINUATION]);
  }
  await cli(arch, ['export', '--model', out, '--weights', 'float16']);
  return out;
}

const MODELS = join('media', 'models');
/** The Kneser-Ney baseline is only for measuring: both models have the same one, kept once beside them. */
const SHARED = 'baseline';

/**
 * Replaces media/models/<arch> by a complete copy, its baseline moved into media/models/baseline (its name is
 * its checksum, so a file already there is the same file). The old folder stays until the new one is in place.
 */
function ship(arch, from) {
  const target = join(MODELS, arch);
  const staging = `${target}.new`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(MODELS, SHARED), { recursive: true });
  cpSync(from, staging, { recursive: true });
  const manifestPath = join(staging, 'model.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const baseline = manifest.files.baseline;
  if (baseline) {
    const shared = join(MODELS, SHARED, baseline.file);
    if (!existsSync(shared)) renameSync(join(staging, baseline.file), shared);
    else rmSync(join(staging, baseline.file));
    baseline.file = `../${SHARED}/${baseline.file}`;
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 1) + '\n');
  }
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  console.error(`train:defaults: ${target} updated`);
}

/** Shared files that no shipped manifest names any more. */
function removeUnusedShared() {
  const used = new Set();
  for (const arch of ['lstm', 'gru']) {
    const manifestPath = join(MODELS, arch, 'model.json');
    if (existsSync(manifestPath)) for (const entry of Object.values(JSON.parse(readFileSync(manifestPath, 'utf8')).files)) used.add(entry.file);
  }
  for (const name of readdirSync(join(MODELS, SHARED))) if (!used.has(`../${SHARED}/${name}`)) rmSync(join(MODELS, SHARED, name));
}

const results = await Promise.allSettled(ARCHITECTURES.map(async (arch) => ship(arch, await trainOne(arch))));
removeUnusedShared();
const failed = results.filter((r) => r.status === 'rejected');
for (const failure of failed) console.error(`train:defaults: ${failure.reason.message}`);
process.exit(failed.length > 0 ? 1 : 0);
