// Throughput of the numeric kernels on the shapes of the reference training model (embedding 128, one LSTM
// layer of 256 units, vocabulary 10,000, batch 32 × sequence 32 = 1,024 tokens per step).
// Run: npm run build && npm run bench:kernels
// Each figure is the median over repeated calls of wall-clock time; in brackets, the same work per second of
// CPU time of the whole process (both threads), which other load on a shared machine barely disturbs: when
// the two disagree much, the machine was busy, and the run should be repeated.
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
}

const shapes: GemmShape[] = [
  { label: 'logits = H·Wᵀ  [1024×256]·[10000×256]ᵀ', transA: false, transB: true, M: TOKENS, N: VOCAB, K: HIDDEN, beta: 0 },
  { label: 'dH = dZ·W  [1024×10000]·[10000×256]', transA: false, transB: false, M: TOKENS, N: HIDDEN, K: VOCAB, beta: 0 },
  { label: 'dW += dZᵀ·H  [1024×10000]ᵀ·[1024×256]', transA: true, transB: false, M: VOCAB, N: HIDDEN, K: TOKENS, beta: 1 },
  { label: 'gates += h·Rᵀ  [32×256]·[1024×256]ᵀ', transA: false, transB: true, M: BATCH, N: GATES, K: HIDDEN, beta: 1 },
  { label: 'dh += dgates·R  [32×1024]·[1024×256]', transA: false, transB: false, M: BATCH, N: HIDDEN, K: GATES, beta: 1 },
  { label: 'inference logits  [1×256]·[10000×256]ᵀ', transA: false, transB: true, M: 1, N: VOCAB, K: HIDDEN, beta: 0 },
];

/** The plain-loop reference is ~100x slower: it runs on 1/32 of the rows of the large shapes (same rate per flop). */
const REFERENCE_ROW_FRACTION = 1 / 32;

interface Timing {
  /** Median wall-clock seconds per call. */
  wall: number;
  /** Mean process CPU seconds per call. */
  cpu: number;
}

/** Times run over at least minRuns calls and minSeconds, after one warm-up call; prepare runs untimed before each. */
function time(run: () => void, minRuns: number, minSeconds: number, prepare: () => void = () => {}): Timing {
  prepare();
  run();
  const walls: number[] = [];
  let cpuMicros = 0;
  let total = 0;
  while (walls.length < minRuns || total < minSeconds) {
    prepare();
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    run();
    const wall = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    cpuMicros += cpu.user + cpu.system;
    walls.push(wall);
    total += wall;
  }
  walls.sort((a, b) => a - b);
  return { wall: walls[Math.floor(walls.length / 2)], cpu: cpuMicros / 1e6 / walls.length };
}

function randomFill(array: Float32Array, amplitude: number): Float32Array {
  for (let i = 0; i < array.length; i++) array[i] = (Math.random() * 2 - 1) * amplitude;
  return array;
}

/** GFLOP/s of one gemm shape, and the time one full-size call takes (extrapolated for the reference). */
function benchGemm(kernels: Kernels, shape: GemmShape): { gflops: Timing; seconds: number } {
  const { N, K } = shape;
  const M = kernels.name === 'typescript' && shape.M > 64 ? Math.round(shape.M * REFERENCE_ROW_FRACTION) : shape.M;
  const A = randomFill(kernels.alloc(M * K), 1);
  const B = randomFill(kernels.alloc(K * N), 1);
  const C = kernels.alloc(M * N);
  const timing = time(() => kernels.gemm(shape.transA, shape.transB, M, N, K, A, B, C, shape.beta), kernels.name === 'typescript' ? 2 : 5, 0.5);
  const flops = 2 * M * N * K;
  return { gflops: { wall: flops / timing.wall / 1e9, cpu: flops / timing.cpu / 1e9 }, seconds: (timing.wall * shape.M) / M };
}

/** One LSTM time step of the reference batch, forward and backward, in microseconds. */
function benchLstmCell(kernels: Kernels): { forward: Timing; backward: Timing } {
  const units = BATCH * HIDDEN;
  const [xp, hp, dxp, dhp] = [0, 1, 2, 3].map(() => randomFill(kernels.alloc(4 * units), 2));
  const [cPrev, h, c, dh, dc, dhPrev, dcPrev] = [0, 1, 2, 3, 4, 5, 6].map(() => randomFill(kernels.alloc(units), 1));
  const cache = kernels.alloc(5 * units);
  const micro = (timing: Timing): Timing => ({ wall: timing.wall * 1e6, cpu: timing.cpu * 1e6 });
  return {
    forward: micro(time(() => kernels.lstmForward(xp, hp, cPrev, h, c, cache, BATCH, HIDDEN), 20, 0.2)),
    backward: micro(time(() => kernels.lstmBackward(cPrev, cache, dh, dc, dxp, dhp, dhPrev, dcPrev, BATCH, HIDDEN), 20, 0.2)),
  };
}

function benchSoftmax(kernels: Kernels): Timing {
  const logits = kernels.alloc(TOKENS * VOCAB);
  const targets = Int32Array.from({ length: TOKENS }, () => Math.floor(Math.random() * VOCAB));
  const fresh = randomFill(new Float32Array(TOKENS * VOCAB), 8);
  return time(() => kernels.softmaxCrossEntropy(logits, targets, TOKENS, VOCAB, 1 / TOKENS), 5, 0.3, () => logits.set(fresh));
}

const formatTiming = (timing: Timing, digits: number): string => `${timing.wall.toFixed(digits)} (${timing.cpu.toFixed(digits)})`;

async function main(): Promise<void> {
  const configurations: Array<{ label: string; make: () => Promise<Kernels> }> = [
    { label: 'typescript', make: async () => typescriptKernels() },
    { label: 'wasm simd, 1 thread', make: () => wasmKernels({ threads: 1, relaxedSimd: false }) },
    { label: 'wasm simd, 2 threads', make: () => wasmKernels({ threads: 2, relaxedSimd: false }) },
    { label: 'wasm relaxed, 1 thread', make: () => wasmKernels({ threads: 1, relaxedSimd: true }) },
    { label: 'wasm relaxed, 2 threads', make: () => wasmKernels({ threads: 2, relaxedSimd: true }) },
  ];
  console.log(`node ${process.version}, ${process.arch}; wall-clock medians (in brackets: per CPU second)`);
  console.log(`typescript gemm runs on 1/${1 / REFERENCE_ROW_FRACTION} of the rows of the large shapes\n`);
  for (const { label, make } of configurations) {
    const kernels = await make();
    if (label.startsWith('wasm relaxed') && !kernels.description.includes('relaxed')) console.log('(this engine cannot run relaxed SIMD; plain SIMD instead)');
    console.log(`${label} [${kernels.description}]`);
    let outputLayerSeconds = 0;
    for (const [index, shape] of shapes.entries()) {
      const { gflops, seconds } = benchGemm(kernels, shape);
      if (index < 3) outputLayerSeconds += seconds;
      console.log(`  ${shape.label.padEnd(44)} ${formatTiming(gflops, 1)} GFLOP/s`);
    }
    const softmax = benchSoftmax(kernels);
    outputLayerSeconds += softmax.wall;
    console.log(`  ${'softmaxCrossEntropy [1024×10000]'.padEnd(44)} ${formatTiming({ wall: softmax.wall * 1000, cpu: softmax.cpu * 1000 }, 1)} ms`);
    const cell = benchLstmCell(kernels);
    console.log(`  ${'lstmForward / lstmBackward [32×256]'.padEnd(44)} ${formatTiming(cell.forward, 0)} / ${formatTiming(cell.backward, 0)} µs`);
    console.log(`  output layer of one 1024-token step (3 gemms + softmax): ${(outputLayerSeconds * 1000).toFixed(0)} ms, at most ${Math.round(TOKENS / outputLayerSeconds)} tokens/s\n`);
    kernels.dispose();
  }
}

void main();
