/** All matrices are row-major Float32Arrays. Arrays passed to a Kernels instance must come from its alloc(). */
export interface Kernels {
  readonly name: 'typescript' | 'wasm';
  /** Human-readable variant, e.g. "wasm relaxed-simd (fma), 2 threads", for logs and benchmarks. */
  readonly description: string;
  /** A zeroed Float32Array of n floats that these kernels can operate on (inside the wasm memory for the wasm kernels). */
  alloc(n: number): Float32Array;
  /** C = beta*C + op(A)·op(B); op(A) is [M×K] (A stored [K×M] when transA), op(B) is [K×N] (B stored [N×K] when transB). beta is 0 or 1. */
  gemm(transA: boolean, transB: boolean, M: number, N: number, K: number, A: Float32Array, B: Float32Array, C: Float32Array, beta: 0 | 1): void;
  /** For each of the rows r < rows: y[r*cols + j] += bias[j]. */
  addBiasRows(y: Float32Array, bias: Float32Array, rows: number, cols: number): void;
  /** biasGrad[j] += sum over rows of dy[r*cols + j]. */
  sumRowsInto(biasGrad: Float32Array, dy: Float32Array, rows: number, cols: number): void;
  /** Row-wise softmax cross-entropy. logits [rows×cols]; targets[r] is the class of row r, or -1 to ignore the row.
   *  Overwrites logits with the gradient d(loss*scale)/d(logits) = scale*(softmax - onehot) (zero rows for ignored targets)
   *  and returns the SUM over non-ignored rows of -log softmax[target] (unscaled).
   *  targets may be any Int32Array (the wasm kernels copy it if it is not theirs); a target >= cols throws. */
  softmaxCrossEntropy(logits: Float32Array, targets: Int32Array, rows: number, cols: number, scale: number): number;
  /** Row-wise log-softmax in place (for evaluation, full softmax). */
  logSoftmaxRows(logits: Float32Array, rows: number, cols: number): void;
  /** Sum of squares of x[0..n) (gradient-norm clipping). */
  sumSquares(x: Float32Array, n: number): number;
  /** x[i] *= s */
  scale(x: Float32Array, s: number, n: number): void;
  /** Adam with bias correction folded into lr: m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g*g; p -= lr * m / (sqrt(v) + eps); g is left unchanged. */
  adam(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, n: number, lr: number, b1: number, b2: number, eps: number): void;
  /**
   * One LSTM time step, the equations of cells/lstm.ts (ONNX gate order i, o, f, c). xp, hp: [batch × 4·hidden],
   * the input and recurrent projections with their biases; cPrev, h, c: [batch × hidden]; cache: [batch × 5·hidden]
   * receives i, o, f, c̃ and tanh(c) as five hidden-wide blocks per row.
   */
  lstmForward(xp: Float32Array, hp: Float32Array, cPrev: Float32Array, h: Float32Array, c: Float32Array, cache: Float32Array, batch: number, hidden: number): void;
  /**
   * Its gradient, from cPrev, the cache and dh, dc [batch × hidden]: writes dxp and dhp [batch × 4·hidden] (both the
   * gates' pre-activation gradients), dcPrev = dc_total ⊙ f and dhPrev = 0 (h_{t-1} acts only through R).
   */
  lstmBackward(
    cPrev: Float32Array, cache: Float32Array, dh: Float32Array, dc: Float32Array,
    dxp: Float32Array, dhp: Float32Array, dhPrev: Float32Array, dcPrev: Float32Array, batch: number, hidden: number,
  ): void;
  /**
   * One GRU time step, the equations of cells/gru.ts (ONNX gate order z, r, h, linear_before_reset = 1). xp, hp:
   * [batch × 3·hidden]; hPrev, h: [batch × hidden]; cache: [batch × 4·hidden] receives z, r, h̃ and R_h·h_{t-1} + Rb_h.
   */
  gruForward(xp: Float32Array, hp: Float32Array, hPrev: Float32Array, h: Float32Array, cache: Float32Array, batch: number, hidden: number): void;
  /** Its gradient, from hPrev, the cache and dh [batch × hidden]: writes dxp, dhp [batch × 3·hidden] and dhPrev = dh ⊙ z. */
  gruBackward(hPrev: Float32Array, cache: Float32Array, dh: Float32Array, dxp: Float32Array, dhp: Float32Array, dhPrev: Float32Array, batch: number, hidden: number): void;
  /** Frees worker threads, if any (the process must be able to exit). The kernels keep working, on one thread. */
  dispose(): void;
}

export interface WasmKernelOptions {
  /** Threads for large operations; default 2 when the machine has at least 2 CPUs. */
  threads?: 1 | 2;
  /**
   * Use the relaxed-SIMD build (fused multiply-add, ~1.3x faster gemm) when the engine can run it. Default true.
   * Electron and Node >= 22 run it natively; on Node 20 it sits behind a V8 flag, which is then switched on
   * process-wide with v8.setFlagsFromString. false always uses the plain SIMD build.
   */
  relaxedSimd?: boolean;
}

export { typescriptKernels } from './typescriptKernels';
export { wasmKernels } from './wasmKernels';
