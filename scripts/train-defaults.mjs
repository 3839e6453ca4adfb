// npm run train:defaults: trains the default models that the extension ships (media/models/lstm and
// media/models/gru) on the corpus that `npm run corpus` builds, with the engine's own CLI. Both train at once,
// one kernel thread each, which on two cores finishes both sooner than one after the other with two threads.
// Seeded, and stopped by a fixed share of an epoch rather than a time budget, so a rerun does the same work.
// Each model is written to .cache/models/<arch> first, its weights rewritten in float16 (half the size to ship;
// the ONNX export is made again from exactly those weights), and copied into media/models/<arch> when complete.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
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
const ARCHITECTURES = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['lstm', 'gru'];

if (!existsSync(CORPUS)) {
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
  const out = join('.cache', 'models', arch);
  await cli(arch, ['train', '--arch', arch, '--corpus', CORPUS, '--out', out, ...HYPERPARAMETERS]);
  await cli(arch, ['export', '--model', out, '--weights', 'float16']);
  return out;
}

/** Replaces media/models/<arch> by a complete copy: the old folder stays until the new one is in place. */
function ship(arch, from) {
  const target = join('media', 'models', arch);
  const staging = `${target}.new`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join('media', 'models'), { recursive: true });
  cpSync(from, staging, { recursive: true });
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  console.error(`train:defaults: ${target} updated`);
}

const results = await Promise.allSettled(ARCHITECTURES.map(async (arch) => ship(arch, await trainOne(arch))));
const failed = results.filter((r) => r.status === 'rejected');
for (const failure of failed) console.error(`train:defaults: ${failure.reason.message}`);
process.exit(failed.length > 0 ? 1 : 0);
