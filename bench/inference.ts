// Latency of one suggestion step — one token in, the next word's log-probabilities out, state carried — for
// ONNX Runtime (1 thread) and the TypeScript runtime (wasm kernels), on an embedding 128 → LSTM 256 → 10k-word
// tied output model. Each runtime runs in its own process, so that load time and memory are its own.
//
//   npm run build && npm run bench:inference -- [vocabSize=10000] [embedding=128] [hidden=256]

import { fork } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRuntime } from '../src/inference/createRuntime';
import { RuntimeKind } from '../src/inference/runtime';
import { typescriptKernels } from '../src/model/kernels/typescriptKernels';
import { createModel } from '../src/model/languageModel';
import { saveModel } from '../src/model/modelFiles';
import { Random } from '../src/model/random';
import { Vocabulary } from '../src/model/vocabulary';
import { exportOnnx } from '../src/onnx/exportOnnx';

const WARMUP_STEPS = 30;
const MEASURED_STEPS = 300;
const PREFIX_TOKENS = 20;
const PREFIX_RUNS = 50;

interface Variant { label: string; kind: RuntimeKind; threads: 1 | 2 }
const VARIANTS: Variant[] = [
  { label: 'onnx (1 thread)', kind: 'onnx', threads: 1 },
  { label: 'typescript wasm, 1 thread', kind: 'typescript', threads: 1 },
  { label: 'typescript wasm, 2 threads', kind: 'typescript', threads: 2 },
];

interface Latency { p50: number; p95: number }
interface Figures { loadMilliseconds: number; loadMegabytes: number; step1: Latency; step4: Latency; prefix: Latency }

function percentiles(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p95: at(0.95) };
}

async function measure(directory: string, variant: Variant): Promise<Figures> {
  const runtime = await createRuntime(variant.kind, directory, { threads: variant.threads });
  const random = new Random(1);
  try {
    const steps = async (batch: number): Promise<Latency> => {
      let state = runtime.initialState(batch);
      const samples: number[] = [];
      for (let i = 0; i < WARMUP_STEPS + MEASURED_STEPS; i++) {
        const tokens = Int32Array.from({ length: batch }, () => random.int(runtime.vocabSize));
        const started = performance.now();
        ({ state } = await runtime.run(tokens, 1, batch, state));
        if (i >= WARMUP_STEPS) samples.push(performance.now() - started);
      }
      return percentiles(samples);
    };
    const step1 = await steps(1);
    const step4 = await steps(4);
    const samples: number[] = [];
    for (let i = 0; i < PREFIX_RUNS; i++) {
      const tokens = Int32Array.from({ length: PREFIX_TOKENS }, () => random.int(runtime.vocabSize));
      const started = performance.now();
      await runtime.run(tokens, PREFIX_TOKENS, 1, runtime.initialState(1));
      samples.push(performance.now() - started);
    }
    return { loadMilliseconds: runtime.loadMilliseconds, loadMegabytes: runtime.loadMemoryBytes / 1e6, step1, step4, prefix: percentiles(samples) };
  } finally {
    await runtime.dispose();
  }
}

function runChild(directory: string, variant: number): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--measure', directory, String(variant)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (figures) => resolve(figures as Figures));
    child.once('exit', (code) => { if (code !== 0) reject(new Error(`${VARIANTS[variant].label}: exit code ${code}`)); });
  });
}

async function main(): Promise<void> {
  const [vocabSize, embeddingSize, hiddenSize] = [process.argv[2] ?? 10_000, process.argv[3] ?? 128, process.argv[4] ?? 256].map(Number);
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'smart-compose-bench-inference-'));
  try {
    const words = new Map(Array.from({ length: vocabSize }, (_, i) => [`w${i}`, vocabSize - i]));
    const vocabulary = Vocabulary.build(words, { minCount: 1, maxSize: vocabSize });
    const model = createModel({ cell: 'lstm', vocabSize, embeddingSize, hiddenSize, layers: 1, tieWeights: true }, typescriptKernels(), 1);
    const onnx = exportOnnx(model);
    await saveModel(directory, model, vocabulary, { training: {}, extraFiles: { onnx: { prefix: 'model', extension: '.onnx', data: onnx } } });
    console.log(`LSTM ${embeddingSize}/${hiddenSize}/${vocabSize} tied, ONNX file ${(onnx.length / 1e6).toFixed(1)} MB; ${os.cpus().length} CPUs, Node ${process.version}`);
    console.log(`one token step: ${MEASURED_STEPS} steps after ${WARMUP_STEPS} warm-up; prefix: ${PREFIX_TOKENS} tokens from a zero state, ${PREFIX_RUNS} runs; ms\n`);
    const results: Figures[] = [];
    for (let v = 0; v < VARIANTS.length; v++) results.push(await runChild(directory, v));
    const ms = (x: number) => x.toFixed(3).padStart(7);
    const ratio = (x: number, base: number) => `${(x / base).toFixed(1)}x`.padStart(6);
    console.log(`${'runtime'.padEnd(28)} ${'load ms'.padStart(8)} ${'load MB'.padStart(8)} | ${'b1 p50'.padStart(7)} ${'b1 p95'.padStart(7)} ${'ratio'.padStart(6)} | ${'b4 p50'.padStart(7)} ${'b4 p95'.padStart(7)} ${'ratio'.padStart(6)} | ${'pre p50'.padStart(7)} ${'pre p95'.padStart(7)} ${'ratio'.padStart(6)}`);
    const base = results[0];
    results.forEach((r, v) => {
      console.log(`${VARIANTS[v].label.padEnd(28)} ${r.loadMilliseconds.toFixed(1).padStart(8)} ${r.loadMegabytes.toFixed(1).padStart(8)} | `
        + `${ms(r.step1.p50)} ${ms(r.step1.p95)} ${ratio(r.step1.p50, base.step1.p50)} | `
        + `${ms(r.step4.p50)} ${ms(r.step4.p95)} ${ratio(r.step4.p50, base.step4.p50)} | `
        + `${ms(r.prefix.p50)} ${ms(r.prefix.p95)} ${ratio(r.prefix.p50, base.prefix.p50)}`);
    });
    console.log('\nratio: p50 relative to onnx (higher is slower); load MB: growth of the process RSS during the load.');
  } finally {
    await fs.rm(directory, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--measure') {
  measure(process.argv[3], VARIANTS[Number(process.argv[4])]).then((figures) => {
    process.send!(figures, () => process.exit(0));
  }, (error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
