// Throughput of the numeric kernels on the shapes of the reference training model (embedding 128, one LSTM
// layer of 256 units, vocabulary 10,000, batch 32 × sequence 32 = 1,024 tokens per step).
// Run: npm run build && npm run bench:kernels   (figures are medians of repeated runs; the machine is shared,
// so run it a few times before trusting a difference of a few percent).
import { typescriptKernels, wasmKernels, type Kernels } from '../src/model/kernels/kernels';

const TOKENS = 1024;
const HIDDEN = 256;
const VOCAB = 10_000;
const GATES = 4 * HIDDEN;
const BATCH = 32;

interface GemmShape {
  label: string;
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
  beta: 0 | 1;
  /** The plain-loop reference is ~100x slower, so it runs on this fraction of the M rows (same per-flop rate). */
  referenceRowFraction: number;
}

const shapes: GemmShape[] = [
  { label: 'logits = H·Wᵀ       [1024×256]·[10000×256]ᵀ', transA: false, transB: true, M: TOKENS, N: VOCAB, K: HIDDEN, beta: 0, referenceRowFraction: 1 / 32 },
  { label: 'dH = dlogits·W      [1024×10000]·[10000×256]', transA: false, transB: false, M: TOKENS, N: HIDDEN, K: VOCAB, beta: 0, referenceRowFraction: 1 / 32 },
  { label: 'dW += dlogitsᵀ·H    [1024×10000]ᵀ·[1024×256]', transA: true, transB: false, M: VOCAB, N: HIDDEN, K: TOKENS, beta: 1, referenceRowFraction: 1 / 32 },
  { label: 'gates += h·Whhᵀ     [32×256]·[1024×256]ᵀ', transA: false, transB: true, M: BATCH, N: GATES, K: HIDDEN, beta: 1, referenceRowFraction: 1 },
];

/** Median seconds per call of run, over at least minRuns runs and minSeconds in total, after one warm-up; prepare runs untimed before each. */
function medianSeconds(run: () => void, minRuns: number, minSeconds: number, prepare: () => void = () => {}): number {
  prepare();
  run();
  const times: number[] = [];
  let timed = 0;
  while (times.length < minRuns || timed < minSeconds) {
    prepare();
    const start = performance.now();
    run();
    const seconds = (performance.now() - start) / 1000;
    times.push(seconds);
    timed += seconds;
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function randomFill(array: Float32Array, amplitude: number): Float32Array {
  for (let i = 0; i < array.length; i++) array[i] = (Math.random() * 2 - 1) * amplitude;
  return array;
}

function gemmGflops(kernels: Kernels, shape: GemmShape): number {
  const M = kernels.name === 'typescript' ? Math.max(1, Math.round(shape.M * shape.referenceRowFraction)) : shape.M;
  const { N, K } = shape;
  const A = randomFill(kernels.alloc(M * K), 1);
  const B = randomFill(kernels.alloc(K * N), 1);
  const C = kernels.alloc(M * N);
  const seconds = medianSeconds(() => kernels.gemm(shape.transA, shape.transB, M, N, K, A, B, C, shape.beta), kernels.name === 'typescript' ? 3 : 5, 0.5);
  return (2 * M * N * K) / seconds / 1e9;
}

function softmaxMilliseconds(kernels: Kernels): number {
  const logits = kernels.alloc(TOKENS * VOCAB);
  const targets = new Int32Array(TOKENS).map(() => Math.floor(Math.random() * VOCAB));
  const fresh = randomFill(new Float32Array(TOKENS * VOCAB), 8);
  const seconds = medianSeconds(() => kernels.softmaxCrossEntropy(logits, targets, TOKENS, VOCAB, 1 / TOKENS), 5, 0.3, () => logits.set(fresh));
  return seconds * 1000;
}

async function main(): Promise<void> {
  const configurations: Array<{ label: string; make: () => Promise<Kernels> }> = [
    { label: 'typescript', make: async () => typescriptKernels() },
    { label: 'wasm simd ×1', make: () => wasmKernels({ threads: 1, relaxedSimd: false }) },
    { label: 'wasm simd ×2', make: () => wasmKernels({ threads: 2, relaxedSimd: false }) },
    { label: 'wasm relaxed ×1', make: () => wasmKernels({ threads: 1 }) },
    { label: 'wasm relaxed ×2', make: () => wasmKernels({ threads: 2 }) },
  ];
  console.log(`node ${process.version}; GFLOP/s are medians; typescript gemm runs on a fraction of the rows of the large shapes`);
  const results: string[][] = [];
  for (const configuration of configurations) {
    const kernels = await configuration.make();
    const row = [`${configuration.label} (${kernels.description})`];
    for (const shape of shapes) row.push(gemmGflops(kernels, shape).toFixed(1));
    row.push(softmaxMilliseconds(kernels).toFixed(1));
    kernels.dispose();
    results.push(row);
    console.log(row.join('  '));
  }
  const header = ['', ...shapes.map((shape) => shape.label), 'softmaxCE [1024×10000] ms'];
  console.log('\nGFLOP/s per gemm shape, softmaxCrossEntropy milliseconds:');
  for (const [i, title] of header.entries()) {
    if (i === 0) continue;
    console.log(`${title}\n  ${results.map((row) => `${row[0]}: ${row[i]}`).join(' | ')}`);
  }
}

void main();
