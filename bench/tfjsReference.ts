/**
 * TensorFlow.js reference for the training-speed benchmark.
 *
 * Trains the same small language model as our engine (embedding -> LSTM/GRU, all time steps -> dense over
 * the vocabulary, full softmax cross-entropy at every position, Adam lr 1e-3) with TF.js 4.22 on the wasm
 * or cpu backend, and reports tokens/s and GFLOP/s. It is meant to show TF.js at its best on this machine:
 *
 * Implementations ('variant'):
 * - 'core' (default, measured fastest on both backends): the network in tfjs-core ops, time-major; the input
 *   projection of all time steps is one matmul, then one recurrent matmul per step; tf.train.adam through
 *   optimizer.minimize. GRU is the reset-after variant (as PyTorch/cuDNN).
 * - 'layers': a tf.layers model (embedding, lstm/gru with returnSequences and sigmoid recurrent activation,
 *   dense logits) trained the same way. tfjs-layers' GRU is reset-before only (resetAfter: true throws).
 * - 'layers-fit': the same model with softmax output, model.compile + trainOnBatch and TF.js's own
 *   'sparseCategoricalCrossentropy' (which takes probabilities, not logits).
 * 'core' and 'layers' use sparseSoftmaxCrossEntropy below (softmax kernel + (p - onehot)/N gradient), which
 * is 2-5x faster here than tf.losses.softmaxCrossEntropy and gives the same loss and gradient.
 *
 * Fixes applied to TF.js itself (all kernel-level, same math, reported with the figures):
 * - wasm has no UnsortedSegmentSum kernel (the gradient of every gather/embedding: training an embedding on
 *   wasm fails without it), and cpu's takes 129 s for one embedding gradient: both get one built on their
 *   own ScatterNd kernel.
 * - wasm's BatchMatMul/_FusedMatMul are ~12x slower with a transposed operand, which every matmul gradient
 *   asks for: the operand is transposed first with wasm's Transpose kernel.
 * - wasm threads: TF.js refuses threads under Node (flag WASM_HAS_MULTITHREAD_SUPPORT hard-wired false; its
 *   worker is a blob: URL, which Node's Worker rejects) and caps XNNPACK's pool at logical cores / 2.
 *   `initWasmBackend` works around all three (worker and main script written to a temp dir, flag forced,
 *   os.cpus() doubled during init) so that XNNPACK runs `wasmThreads` threads (default: all cores);
 *   wasmThreads: 1 loads the plain single-threaded SIMD build. The wasm backend is initialised once per
 *   process: the first call decides its thread count.
 */
import * as fs from 'fs';
import os = require('os'); // the module object itself (patched briefly below), not an import wrapper
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import * as tfwasm from '@tensorflow/tfjs-backend-wasm';

export interface ReferenceModelSpec {
  arch: 'lstm' | 'gru';
  vocab: number;
  embedding: number;
  hidden: number;
  seq: number;
  batch: number;
}

export const REFERENCE_MODEL: Omit<ReferenceModelSpec, 'arch'> = { vocab: 10000, embedding: 128, hidden: 256, seq: 32, batch: 32 };

export type TfjsVariant = 'layers' | 'core' | 'layers-fit';

export interface TfjsMeasurement {
  backend: 'wasm' | 'cpu';
  tokensPerSecond: number;
  steps: number;
  seconds: number;
  gflops: number;
  /** Which implementation ran (see the file header). */
  variant?: TfjsVariant;
  /** XNNPACK threads actually used by the wasm backend (1 on cpu). */
  threads?: number;
  /** Whether the GRU was the reset-after variant (undefined for LSTM). */
  gruResetAfter?: boolean;
  /** Mean loss of the last measured step (sanity: ~ln(vocab) on random tokens). */
  lastLoss?: number;
}

export interface MeasureOptions {
  warmupSteps: number;
  minSeconds: number;
  /** Implementation to use; 'auto' (default) = the fastest measured on this machine for backend/arch. */
  variant?: TfjsVariant | 'auto';
  /** wasm only: XNNPACK threads (default os.cpus().length; 1 = single-threaded SIMD build). */
  wasmThreads?: number;
  /** Seed of initial weights and token batches (default 1234). */
  seed?: number;
}

/**
 * Fastest implementation per backend and arch on the benchmark machine (2-core Xeon, Node 20, TF.js 4.22),
 * which 'auto' uses. Measured with the fixes above, tokens/s, wasm 2 threads, quiet machine: LSTM core 1,427
 * vs layers 1,338; GRU core 1,312 vs layers 1,261 (and core ahead in every interleaved noisy comparison);
 * layers-fit is slowest (TF.js's own loss). On cpu core and layers tie (~40 tokens/s): core is kept there
 * for the reset-after GRU.
 */
export const FASTEST_VARIANT: Record<'wasm' | 'cpu', Record<'lstm' | 'gru', TfjsVariant>> = {
  wasm: { lstm: 'core', gru: 'core' },
  cpu: { lstm: 'core', gru: 'core' },
};

/**
 * FLOPs of one training step (forward + backward; a multiply-add counts 2). Only the matmuls count:
 * recurrent layer = input (E x gH) and recurrent (H x gH) matmuls of all g gates at every token, output
 * layer = H x V at every token, each x3 (forward, gradient w.r.t. input, gradient w.r.t. weights).
 * Embedding lookup, elementwise gate math, softmax and Adam are left out.
 */
export function trainingStepFlops(spec: ReferenceModelSpec): number {
  const gates = spec.arch === 'lstm' ? 4 : 3;
  const tokens = spec.seq * spec.batch;
  const recurrent = 2 * tokens * gates * spec.hidden * (spec.embedding + spec.hidden);
  const output = 2 * tokens * spec.hidden * spec.vocab;
  return 3 * (recurrent + output);
}

/* ----------------------------------------------------------------------------------------------- */
/* Backend set-up                                                                                   */
/* ----------------------------------------------------------------------------------------------- */

let wasmThreadsInUse: number | undefined;

function wasmPackageDir(): string {
  // The package's main file is dist/tf-backend-wasm.node.js.
  return path.resolve(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '..');
}

/**
 * Makes TF.js's threaded SIMD wasm build start under Node. Returns a function that undoes the temporary
 * patches (to call once the backend is initialised).
 */
function enableWasmThreadsInNode(pkgDir: string): () => void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-wasm-threads-'));
  process.once('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
  // Main script the pthread workers evaluate: the emscripten factory of the threaded build, plus the names
  // that TF.js's Node bundle (whose copy of the factory is what it would send) gives it from outside.
  const factoryModule = require(path.join(pkgDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js')) as
    { default?: unknown } | ((...args: unknown[]) => unknown);
  const factory = typeof factoryModule === 'function' ? factoryModule : factoryModule.default;
  if (typeof factory !== 'function') throw new Error('threaded wasm factory not found');
  const mainPath = path.join(tmp, 'main.js');
  fs.writeFileSync(
    mainPath,
    "var require$$0=require('fs');var require$$1=require('path');var require$$3=require('perf_hooks');" +
      "var require$$4=require('os');var commonjsGlobal=globalThis;" +
      `var _scriptDir=${JSON.stringify(mainPath)};var WasmBackendModuleThreadedSimd=(${factory.toString()});\n`,
  );
  // Worker: TF.js's own worker source; it already has a Node branch. The main script reaches it as a Blob,
  // which the worker turns into an object URL: answer with the file written above instead.
  const { wasmWorkerContents } = require(path.join(pkgDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  const workerPath = path.join(tmp, 'worker.js');
  fs.writeFileSync(
    workerPath,
    `URL.createObjectURL=function(){return ${JSON.stringify(mainPath)}};URL.revokeObjectURL=function(){};\n` +
      wasmWorkerContents.replace(/\n/g, '\\n'), // as TF.js does before making its Blob
  );

  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  const origCreateObjectURL = URL.createObjectURL;
  URL.createObjectURL = (obj: Blob): string =>
    obj instanceof Blob && obj.type === 'application/javascript' ? workerPath : origCreateObjectURL(obj);
  // XNNPACK's pool is min(requested, emscripten_num_logical_cores() / 2): it assumes 2 hyperthreads per
  // core. This machine reports 1 thread per core, so report twice the cores while the module starts.
  const origCpus = os.cpus;
  os.cpus = () => {
    const cpus = origCpus();
    return cpus.concat(cpus);
  };
  return () => {
    URL.createObjectURL = origCreateObjectURL;
    os.cpus = origCpus;
  };
}

async function initWasmBackend(threads: number): Promise<number> {
  if (wasmThreadsInUse !== undefined) {
    await tf.setBackend('wasm');
    return wasmThreadsInUse;
  }
  const pkgDir = wasmPackageDir();
  tfwasm.setWasmPaths(path.join(pkgDir, 'dist') + path.sep);
  let undo: (() => void) | undefined;
  if (threads > 1) {
    undo = enableWasmThreadsInNode(pkgDir);
    tfwasm.setThreadsCount(threads);
  }
  try {
    if (!(await tf.setBackend('wasm'))) throw new Error('TF.js wasm backend failed to initialise');
    await tf.ready();
  } finally {
    undo?.();
  }
  patchUnsortedSegmentSum('wasm');
  wrapWasmMatMulTransposes();
  wasmThreadsInUse = tfwasm.getThreadsCount();
  return wasmThreadsInUse;
}

/**
 * The gradient of tf.gather (so of any embedding lookup, tf.layers' Embedding included) is an
 * UnsortedSegmentSum. The wasm backend has no such kernel, and the cpu backend's runs one masked pass per
 * segment (measured 129 s for 1024 rows into 10,000 segments, against 4 ms for ScatterNd). Supply it on both
 * through the backend's own ScatterNd kernel, which sums rows sent to the same index:
 * x [N, ...] with segmentIds [N] -> [numSegments, ...]. Other shapes go to the original kernel (cpu).
 */
const segmentSumPatched = new Set<string>();
function patchUnsortedSegmentSum(backendName: 'wasm' | 'cpu'): void {
  if (segmentSumPatched.has(backendName)) return;
  const scatterNd = tf.getKernel('ScatterNd', backendName);
  if (!scatterNd) throw new Error(`${backendName} backend has no ScatterNd kernel`);
  const original = tf.getKernel('UnsortedSegmentSum', backendName);
  if (original) tf.unregisterKernel('UnsortedSegmentSum', backendName);
  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName,
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args;
      const x = inputs.x as tf.TensorInfo;
      const segmentIds = inputs.segmentIds as tf.TensorInfo;
      const numSegments = (attrs as { numSegments: number }).numSegments;
      const n = segmentIds.shape[0];
      if (segmentIds.shape.length !== 1 || x.shape[0] !== n) {
        if (original) return original.kernelFunc(args);
        throw new Error(`UnsortedSegmentSum (shim): needs 1-D segmentIds over x's first axis, got ${segmentIds.shape} / ${x.shape}`);
      }
      const indices: tf.TensorInfo = { dataId: segmentIds.dataId, shape: [n, 1], dtype: segmentIds.dtype };
      return scatterNd.kernelFunc({
        inputs: { indices, updates: x },
        backend,
        attrs: { shape: [numSegments, ...x.shape.slice(1)] },
      });
    },
  });
  segmentSumPatched.add(backendName);
}

/**
 * On wasm, BatchMatMul with transposeA or transposeB takes a slow path (measured ~2 s for the
 * [1024,10000] x [256,10000]^T product that takes ~0.16 s untransposed), and TF.js's matmul gradients
 * (plain and fused) always ask for one transposed operand. Wrap the wasm BatchMatMul and _FusedMatMul
 * kernels so that a transposed operand is first materialised with the wasm Transpose kernel (cheap) and the
 * product runs untransposed. Same math, same kernels; other backends are untouched (on cpu, transposed and
 * plain products cost about the same).
 */
let wasmMatMulWrapped = false;
function wrapWasmMatMulTransposes(): void {
  if (wasmMatMulWrapped) return;
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!transpose) throw new Error('wasm backend has no Transpose kernel');
  for (const kernelName of ['BatchMatMul', '_FusedMatMul']) {
    const original = tf.getKernel(kernelName, 'wasm');
    if (!original) throw new Error(`wasm backend has no ${kernelName} kernel`);
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({
      ...original,
      kernelFunc: (args) => {
        const { transposeA, transposeB } = args.attrs as { transposeA?: boolean; transposeB?: boolean };
        if (!transposeA && !transposeB) return original.kernelFunc(args);
        const backend = args.backend as tf.KernelBackend;
        const temps: tf.TensorInfo[] = [];
        const materialise = (x: tf.TensorInfo): tf.TensorInfo => {
          const perm = x.shape.map((_, i) => i);
          perm[perm.length - 2] = perm.length - 1;
          perm[perm.length - 1] = perm.length - 2;
          const out = transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as tf.TensorInfo;
          temps.push(out);
          return out;
        };
        const inputs = { ...args.inputs };
        if (transposeA) inputs.a = materialise(inputs.a as tf.TensorInfo);
        if (transposeB) inputs.b = materialise(inputs.b as tf.TensorInfo);
        try {
          return original.kernelFunc({ ...args, inputs, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
        } finally {
          for (const temp of temps) backend.disposeData(temp.dataId);
        }
      },
    });
  }
  wasmMatMulWrapped = true;
}

async function useBackend(backend: 'wasm' | 'cpu', wasmThreads: number): Promise<number> {
  if (backend === 'wasm') return initWasmBackend(wasmThreads);
  if (!(await tf.setBackend('cpu'))) throw new Error('TF.js cpu backend failed to initialise');
  await tf.ready();
  patchUnsortedSegmentSum('cpu');
  return 1;
}

/* ----------------------------------------------------------------------------------------------- */
/* Data and models                                                                                  */
/* ----------------------------------------------------------------------------------------------- */

/** mulberry32: small seeded generator so every run (and every variant) sees the same token batches. */
function makeRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Batch {
  inputs: Int32Array; // batch x seq
  targets: Int32Array; // batch x seq (next token)
}

function randomBatches(spec: ReferenceModelSpec, count: number, rng: () => number): Batch[] {
  const batches: Batch[] = [];
  for (let n = 0; n < count; n++) {
    const inputs = new Int32Array(spec.batch * spec.seq);
    const targets = new Int32Array(spec.batch * spec.seq);
    for (let b = 0; b < spec.batch; b++) {
      let prev = Math.floor(rng() * spec.vocab);
      for (let t = 0; t < spec.seq; t++) {
        const next = Math.floor(rng() * spec.vocab);
        inputs[b * spec.seq + t] = prev;
        targets[b * spec.seq + t] = next;
        prev = next;
      }
    }
    batches.push({ inputs, targets });
  }
  return batches;
}

/** One training step on a batch; returns the mean loss. */
type StepFn = (batch: Batch) => Promise<number>;

interface Trainer {
  step: StepFn;
  dispose(): void;
}

/** A trainable variable holding `init`, which is then released (tf.variable keeps its own reference). */
function variableFrom(init: tf.Tensor): tf.Variable {
  const v = tf.variable(init);
  init.dispose();
  return v;
}

function glorot(shape: [number, number], rng: () => number): tf.Variable {
  const limit = Math.sqrt(6 / (shape[0] + shape[1]));
  const seed = Math.floor(rng() * 2 ** 31);
  return variableFrom(tf.randomUniform(shape, -limit, limit, 'float32', seed));
}

/**
 * Sparse softmax cross-entropy from logits [N, V] against int labels [N], mean over N. TF.js's
 * tf.losses.softmaxCrossEntropy computes the same, but through logSumExp and exp kernels that are slow on
 * wasm (~335 ms for forward + gradient at [1024, 10000] here, against ~60 ms for this one): this version
 * uses the softmax kernel (XNNPACK on wasm) and the textbook gradient (softmax - onehot) / N.
 */
export function sparseSoftmaxCrossEntropy(labels: tf.Tensor1D, logits: tf.Tensor2D, vocab: number): tf.Scalar {
  const n = logits.shape[0];
  const ce = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [lg, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const p = tf.softmax(lg);
    // int32 one-hot then cast: the wasm OneHot kernel returns all zeros when asked for float32 (TF.js 4.22)
    const oneHot = tf.cast(tf.oneHot(labels, vocab), 'float32');
    save([p, oneHot]);
    // probability of each label: gather from the flat softmax (cheaper than a full p * oneHot pass)
    const flatIdx = tf.add(labels, tf.mul(tf.range(0, n, 1, 'int32'), tf.scalar(vocab, 'int32')));
    const picked = tf.gather(tf.reshape(p, [n * vocab]), flatIdx);
    const value = tf.div(tf.neg(tf.sum(tf.log(tf.maximum(picked, 1e-30)))), n) as tf.Scalar;
    return { value, gradFunc: (dy: tf.Scalar, saved: tf.Tensor[]) => tf.mul(tf.sub(saved[0], saved[1]), tf.div(dy, n)) };
  });
  return ce(logits) as tf.Scalar;
}

/**
 * Unstacks x [T, ...] along axis 0. On wasm every slice copies its whole input out of the heap first, so
 * unstacking T slices of a big tensor copies it T times: going through chunks of 8 first copies far less.
 */
export function unstackRows(x: tf.Tensor): tf.Tensor[] {
  const T = x.shape[0];
  if (T <= 8) return tf.unstack(x, 0);
  const sizes: number[] = [];
  for (let t = 0; t < T; t += 8) sizes.push(Math.min(8, T - t));
  return tf.split(x, sizes, 0).flatMap((chunk) => tf.unstack(chunk, 0));
}

/** tf.stack(xs, 0) whose gradient unstacks through unstackRows (TF.js's own does one slice per row). */
export function stackRows(xs: tf.Tensor[]): tf.Tensor {
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const parts = args.slice(0, xs.length) as tf.Tensor[];
    return { value: tf.stack(parts, 0), gradFunc: (dy: tf.Tensor) => unstackRows(dy) };
  });
  return f(...xs);
}

/** Host-side transpose of a batch-major [B, T] token array to time-major [T, B] (row t*B + b). */
function timeMajor(values: Int32Array, B: number, T: number): Int32Array {
  const out = new Int32Array(B * T);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) out[t * B + b] = values[b * T + t];
  return out;
}

async function runStep(optimizer: tf.Optimizer, lossFn: () => tf.Scalar, varList: tf.Variable[]): Promise<number> {
  const cost = optimizer.minimize(lossFn, true, varList);
  if (!cost) throw new Error('minimize returned no cost');
  const value = (await cost.data())[0];
  cost.dispose();
  return value;
}

/** The network written with tfjs-core ops. GRU is reset-after. */
function coreTrainer(spec: ReferenceModelSpec, rng: () => number): Trainer {
  const { vocab: V, embedding: E, hidden: H, seq: T, batch: B, arch } = spec;
  const G = arch === 'lstm' ? 4 : 3;
  const embed = variableFrom(tf.randomUniform([V, E], -0.05, 0.05, 'float32', Math.floor(rng() * 2 ** 31)));
  const wx = glorot([E, G * H], rng);
  const wh = glorot([H, G * H], rng);
  // LSTM: forget-gate bias 1 (gate order i, f, g, o). GRU reset-after has a second (recurrent) bias.
  const bxInit = new Float32Array(G * H);
  if (arch === 'lstm') bxInit.fill(1, H, 2 * H);
  const bx = variableFrom(tf.tensor1d(bxInit));
  const bh = arch === 'gru' ? variableFrom(tf.zeros([G * H])) : undefined;
  const wOut = glorot([H, V], rng);
  const bOut = variableFrom(tf.zeros([V]));
  const vars = [embed, wx, wh, bx, wOut, bOut, ...(bh ? [bh] : [])];
  const optimizer = tf.train.adam(1e-3);

  // Time-major throughout: row t*B + b, so per-step slices and the final stack are contiguous.
  const forwardLoss = (tokens: tf.Tensor1D, labels: tf.Tensor1D): tf.Scalar => {
    const x = tf.gather(embed, tokens); // [T*B, E]
    const xProj = tf.reshape(tf.add(tf.matMul(x, wx), bx), [T, B, G * H]); // input part of all gates, all steps
    const xs = unstackRows(xProj); // T x [B, G*H]
    let h: tf.Tensor2D = tf.zeros([B, H]);
    let c: tf.Tensor2D = tf.zeros([B, H]);
    const hs: tf.Tensor2D[] = [];
    for (let t = 0; t < T; t++) {
      const xt = xs[t] as tf.Tensor2D;
      if (arch === 'lstm') {
        const z = tf.add(xt, tf.matMul(h, wh));
        const [zi, zf, zg, zo] = tf.split(z, 4, 1);
        c = tf.add(tf.mul(tf.sigmoid(zf), c), tf.mul(tf.sigmoid(zi), tf.tanh(zg)));
        h = tf.mul(tf.sigmoid(zo), tf.tanh(c));
      } else {
        const hp = tf.add(tf.matMul(h, wh), bh as tf.Variable);
        const [xzr, xn] = tf.split(xt, [2 * H, H], 1);
        const [hzr, hn] = tf.split(hp, [2 * H, H], 1);
        const [zGate, rGate] = tf.split(tf.sigmoid(tf.add(xzr, hzr)), 2, 1);
        const n = tf.tanh(tf.add(xn, tf.mul(rGate, hn)));
        // h' = z*h + (1-z)*n = n + z*(h-n)
        h = tf.add(n, tf.mul(zGate, tf.sub(h, n)));
      }
      hs.push(h);
    }
    const hAll = tf.reshape(stackRows(hs), [T * B, H]);
    const logits = tf.add(tf.matMul(hAll, wOut), bOut) as tf.Tensor2D;
    return sparseSoftmaxCrossEntropy(labels, logits, V);
  };

  return {
    step: async (batch) => {
      const tokens = tf.tensor1d(timeMajor(batch.inputs, B, T), 'int32');
      const labels = tf.tensor1d(timeMajor(batch.targets, B, T), 'int32');
      try {
        return await runStep(optimizer, () => forwardLoss(tokens, labels), vars);
      } finally {
        tokens.dispose();
        labels.dispose();
      }
    },
    dispose: () => {
      optimizer.dispose();
      for (const v of vars) v.dispose();
    },
  };
}

function layersModel(spec: ReferenceModelSpec, softmax: boolean, seed: number): tfl.Sequential {
  const { vocab: V, embedding: E, hidden: H, seq: T } = spec;
  const model = tfl.sequential();
  model.add(
    tfl.layers.embedding({
      inputDim: V,
      outputDim: E,
      inputLength: T,
      embeddingsInitializer: tfl.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed }),
    }),
  );
  const rnnArgs = {
    units: H,
    returnSequences: true,
    kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }),
    recurrentActivation: 'sigmoid' as const, // tf.layers defaults to hardSigmoid; ours and PyTorch use sigmoid
    // glorot instead of the default orthogonal: only the start values differ, and orthogonal init of a
    // 256 x 1024 matrix takes a QR decomposition that is slow on the cpu backend.
    recurrentInitializer: tfl.initializers.glorotUniform({ seed: seed + 2 }),
  };
  model.add(spec.arch === 'lstm' ? tfl.layers.lstm(rnnArgs) : tfl.layers.gru(rnnArgs)); // GRU: reset-before only
  model.add(
    tfl.layers.dense({
      units: V,
      activation: softmax ? 'softmax' : 'linear',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 3 }),
    }),
  );
  return model;
}

/** tf.layers model, trained through optimizer.minimize on logits. */
function layersTrainer(spec: ReferenceModelSpec, rng: () => number): Trainer {
  const { vocab: V, seq: T, batch: B } = spec;
  const model = layersModel(spec, false, Math.floor(rng() * 2 ** 30));
  const optimizer = tf.train.adam(1e-3);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return {
    step: async (batch) => {
      const tokens = tf.tensor2d(batch.inputs, [B, T], 'int32');
      const labels = tf.tensor1d(batch.targets, 'int32');
      try {
        return await runStep(
          optimizer,
          () => {
            const out = model.apply(tokens, { training: true }) as tf.Tensor3D;
            return sparseSoftmaxCrossEntropy(labels, tf.reshape(out, [B * T, V]) as tf.Tensor2D, V);
          },
          vars,
        );
      } finally {
        tokens.dispose();
        labels.dispose();
      }
    },
    dispose: () => {
      optimizer.dispose();
      model.dispose();
    },
  };
}

/** tf.layers model with compile/trainOnBatch and TF.js's built-in sparse categorical cross-entropy. */
function layersFitTrainer(spec: ReferenceModelSpec, rng: () => number): Trainer {
  const { seq: T, batch: B } = spec;
  const model = layersModel(spec, true, Math.floor(rng() * 2 ** 30));
  const optimizer = tf.train.adam(1e-3);
  model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy' });
  return {
    step: async (batch) => {
      const tokens = tf.tensor2d(batch.inputs, [B, T], 'int32');
      const labels = tf.tensor3d(Float32Array.from(batch.targets), [B, T, 1], 'float32'); // its loss floors labels: float only
      try {
        const loss = await model.trainOnBatch(tokens, labels);
        return Array.isArray(loss) ? loss[0] : loss;
      } finally {
        tokens.dispose();
        labels.dispose();
      }
    },
    dispose: () => {
      optimizer.dispose();
      model.dispose();
    },
  };
}

/* ----------------------------------------------------------------------------------------------- */
/* Measurement                                                                                      */
/* ----------------------------------------------------------------------------------------------- */

/**
 * Trains the reference model with TF.js on random token batches (same seed) for at least minSeconds after
 * warmup steps; full softmax cross-entropy over the vocabulary at every position; Adam lr 1e-3; returns
 * tokens/s = seq*batch*steps/seconds.
 */
export async function measureTfjs(
  spec: ReferenceModelSpec,
  backend: 'wasm' | 'cpu',
  opts: MeasureOptions,
): Promise<TfjsMeasurement> {
  const threads = await useBackend(backend, opts.wasmThreads ?? os.cpus().length);
  const variant: TfjsVariant =
    opts.variant === undefined || opts.variant === 'auto' ? FASTEST_VARIANT[backend][spec.arch] : opts.variant;
  const rng = makeRng(opts.seed ?? 1234);
  const batches = randomBatches(spec, 16, rng);
  const trainer =
    variant === 'core' ? coreTrainer(spec, rng) : variant === 'layers' ? layersTrainer(spec, rng) : layersFitTrainer(spec, rng);
  try {
    let next = 0;
    const nextBatch = (): Batch => batches[next++ % batches.length];
    for (let i = 0; i < opts.warmupSteps; i++) await trainer.step(nextBatch());
    let steps = 0;
    let lastLoss = NaN;
    const start = process.hrtime.bigint();
    let seconds = 0;
    do {
      lastLoss = await trainer.step(nextBatch());
      steps++;
      seconds = Number(process.hrtime.bigint() - start) / 1e9;
    } while (seconds < opts.minSeconds);
    return {
      backend,
      tokensPerSecond: (spec.seq * spec.batch * steps) / seconds,
      steps,
      seconds,
      gflops: (trainingStepFlops(spec) * steps) / seconds / 1e9,
      variant,
      threads,
      gruResetAfter: spec.arch === 'gru' ? variant === 'core' : undefined,
      lastLoss,
    };
  } finally {
    trainer.dispose();
  }
}
