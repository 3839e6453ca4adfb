import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { checkCellArrays, checkCount, checkGemm, checkLength, checkRows, checkTargets } from './argumentChecks';
import { CONTROL_BLOCK_BYTES, HelperThread } from './helperThread';
import type { Kernels, WasmKernelOptions } from './kernels';
import { WASM_PAGE_BYTES, webAssembly, type WasmMemory, type WasmModule } from './wasmApi';
import { kernelsWasmRelaxedSimdBase64, kernelsWasmSimdBase64 } from './wasmBinary.generated';

/** Must match --maximumMemory in scripts/build-kernels.mjs. 2 GiB keeps every address a positive int32. */
const WASM_MAXIMUM_PAGES = 32768;
/** Allocations start on cache-line boundaries so the two threads never write one line from different arrays. */
const ALLOCATION_ALIGNMENT = 64;

// Below these sizes waking the helper thread (~40 µs in a VM whose idle core sleeps; measured with a
// futex round trip of ~80 µs) costs more than the half of the work it would take over.
export const GEMM_SPLIT_MIN_MULTIPLY_ADDS = 5_000_000;
/** A few rows of A·Bᵀ go by dot products, bound by reading B: two threads pay once B outgrows the L2 cache. */
export const GEMM_BY_DOTS_SPLIT_MIN_B_ELEMENTS = 1 << 20;
export const ROWWISE_SPLIT_MIN_ELEMENTS = 1 << 18;
export const ELEMENTWISE_SPLIT_MIN_ELEMENTS = 1 << 19;

interface KernelExports {
  heapBase(): number;
  gemmScratchBytes(): number;
  gemmByDotsMaxRows(): number;
  gemm(transA: number, transB: number, m: number, n: number, k: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number, beta: number, scratch: number): void;
  gemmShared(
    transA: number, transB: number, m: number, n: number, k: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number,
    beta: number, scratch: number, claimed: number, splitRows: number,
  ): void;
  addBiasRows(y: number, bias: number, rows: number, cols: number, ldy: number): void;
  sumRowsInto(biasGrad: number, dy: number, rows: number, cols: number, ldDy: number): void;
  softmaxCrossEntropy(logits: number, targets: number, rows: number, cols: number, scale: number): number;
  logSoftmaxRows(logits: number, rows: number, cols: number): void;
  sumSquares(x: number, n: number): number;
  scale(x: number, s: number, n: number): void;
  adam(p: number, g: number, m: number, v: number, n: number, lr: number, b1: number, b2: number, eps: number): void;
  lstmForward(xp: number, hp: number, cPrev: number, h: number, c: number, cache: number, batch: number, hidden: number): void;
  lstmBackward(cPrev: number, cache: number, dh: number, dc: number, dxp: number, dhp: number, dhPrev: number, dcPrev: number, batch: number, hidden: number): void;
  gruForward(xp: number, hp: number, hPrev: number, h: number, cache: number, batch: number, hidden: number): void;
  gruBackward(hPrev: number, cache: number, dh: number, dxp: number, dhp: number, dhPrev: number, batch: number, hidden: number): void;
}

/** The exports the helper thread can run, by index. */
const THREADED_FUNCTIONS = ['gemmShared', 'addBiasRows', 'sumRowsInto', 'softmaxCrossEntropy', 'logSoftmaxRows', 'sumSquares', 'scale', 'adam'] as const;
type ThreadedFunction = (typeof THREADED_FUNCTIONS)[number];
const functionIndex = (name: ThreadedFunction): number => THREADED_FUNCTIONS.indexOf(name);

type Variant = 'simd' | 'relaxed-simd';
const compiledModules = new Map<Variant, Promise<WasmModule>>();

export async function wasmKernels(options: WasmKernelOptions = {}): Promise<Kernels> {
  const threads = options.threads ?? (availableParallelism() >= 2 ? 2 : 1);
  const { variant, bytes } = chooseBinary(options.relaxedSimd ?? true);
  let compiled = compiledModules.get(variant);
  if (!compiled) {
    compiled = webAssembly.compile(bytes);
    compiledModules.set(variant, compiled);
  }
  const module = await compiled;

  const memory = new webAssembly.Memory({ initial: 64, maximum: WASM_MAXIMUM_PAGES, shared: true });
  const instance = await webAssembly.instantiate(module, { env: { memory } });
  const exports = instance.exports as unknown as KernelExports;
  const kernels = new WasmKernels(memory, exports, `wasm ${variant}, ${threads} thread${threads === 1 ? '' : 's'}`);
  if (threads === 2) await kernels.startHelper(module);
  return kernels;
}

function chooseBinary(relaxedSimd: boolean): { variant: Variant; bytes: Uint8Array } {
  if (relaxedSimd) {
    const bytes = Buffer.from(kernelsWasmRelaxedSimdBase64, 'base64');
    if (webAssembly.validate(bytes) || (enableRelaxedSimdFlag() && webAssembly.validate(bytes))) return { variant: 'relaxed-simd', bytes };
  }
  const bytes = Buffer.from(kernelsWasmSimdBase64, 'base64');
  if (!webAssembly.validate(bytes)) throw new Error('This JavaScript engine cannot run WebAssembly SIMD; use typescriptKernels() instead');
  return { variant: 'simd', bytes };
}

// V8 11.3 (Node 20) implements relaxed SIMD completely but behind this flag; V8 >= 11.4 ships it enabled.
// Wasm feature flags are read when a module is validated or compiled, so setting it now takes effect.
function enableRelaxedSimdFlag(): boolean {
  if (!process.versions.node.startsWith('20.')) return false;
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  return true;
}

class WasmKernels implements Kernels {
  readonly name = 'wasm';
  /** The SharedArrayBuffer objects of memory that arrays were made from; views of any of them are ours. */
  private readonly ownBuffers = new WeakSet<ArrayBufferLike>();
  private nextFree: number;
  private readonly mainScratch: number;
  private readonly helperScratch: number;
  private readonly controlBlock: number;
  private readonly gemmByDotsMaxRows: number;
  private targetsCopy: Int32Array;
  private helper: HelperThread | undefined;

  constructor(
    private readonly memory: WasmMemory,
    private readonly wasm: KernelExports,
    readonly description: string,
  ) {
    this.nextFree = wasm.heapBase();
    this.gemmByDotsMaxRows = wasm.gemmByDotsMaxRows();
    const scratchBytes = wasm.gemmScratchBytes();
    this.mainScratch = this.reserve(scratchBytes);
    this.helperScratch = this.reserve(scratchBytes);
    this.controlBlock = this.reserve(CONTROL_BLOCK_BYTES);
    this.targetsCopy = this.allocInt32(1024);
  }

  async startHelper(module: WasmModule): Promise<void> {
    this.helper = await HelperThread.start(module, this.memory, this.controlBlock, THREADED_FUNCTIONS, this.wasm as unknown as Record<string, unknown>);
  }

  alloc(n: number): Float32Array {
    checkCount('alloc n', n);
    const address = this.reserve(n * 4);
    return new Float32Array(this.currentBuffer(), address, n);
  }

  private allocInt32(n: number): Int32Array {
    const address = this.reserve(n * 4);
    return new Int32Array(this.currentBuffer(), address, n);
  }

  // memory.buffer returns a new SharedArrayBuffer object not only after this memory grows but also after V8
  // has handled the growth of any other shared memory of the process; each one arrays are made from is recorded.
  private currentBuffer(): SharedArrayBuffer {
    const buffer = this.memory.buffer;
    this.ownBuffers.add(buffer);
    return buffer;
  }

  private reserve(bytes: number): number {
    const address = Math.ceil(this.nextFree / ALLOCATION_ALIGNMENT) * ALLOCATION_ALIGNMENT;
    const end = address + bytes;
    const available = this.memory.buffer.byteLength;
    if (end > available) {
      const pages = Math.ceil((end - available) / WASM_PAGE_BYTES);
      if (available / WASM_PAGE_BYTES + pages > WASM_MAXIMUM_PAGES) {
        throw new RangeError(`wasm kernels: cannot allocate ${bytes} bytes, the kernel memory is limited to ${WASM_MAXIMUM_PAGES * WASM_PAGE_BYTES} bytes`);
      }
      this.memory.grow(pages);
    }
    this.nextFree = end;
    return address;
  }

  private address(array: Float32Array | Int32Array, what: string): number {
    if (!this.ownBuffers.has(array.buffer)) {
      throw new Error(`${what} is not in this wasm kernels instance's memory: create it with alloc() of the same instance (subarrays of such arrays are fine)`);
    }
    return array.byteOffset;
  }

  private helperFor(work: number, minimumWork: number, splittable: boolean): HelperThread | undefined {
    return this.helper && work >= minimumWork && splittable ? this.helper : undefined;
  }

  gemm(transA: boolean, transB: boolean, M: number, N: number, K: number, A: Float32Array, B: Float32Array, C: Float32Array, beta: 0 | 1): void {
    checkGemm(M, N, K, A, B, C, beta);
    const a = this.address(A, 'gemm A');
    const b = this.address(B, 'gemm B');
    const c = this.address(C, 'gemm C');
    const ta = transA ? 1 : 0;
    const tb = transB ? 1 : 0;
    const lda = transA ? M : K;
    const ldb = transB ? K : N;
    const ldc = N;
    const splitRows = M >= N;
    const byDots = !transA && transB && M <= this.gemmByDotsMaxRows;
    const helper = byDots
      ? this.helperFor(N * K, GEMM_BY_DOTS_SPLIT_MIN_B_ELEMENTS, N >= 16)
      : this.helperFor(M * N * K, GEMM_SPLIT_MIN_MULTIPLY_ADDS, splitRows ? M >= 8 : N >= 16);
    if (!helper) {
      this.wasm.gemm(ta, tb, M, N, K, a, lda, b, ldb, c, ldc, beta, this.mainScratch);
      return;
    }
    const split = splitRows ? 1 : 0;
    const counter = helper.sharedCounterAddress;
    setArgs(helper.args, ta, tb, M, N, K, a, lda, b, ldb, c, ldc, beta, this.helperScratch, counter, split);
    helper.run(functionIndex('gemmShared'), () => {
      this.wasm.gemmShared(ta, tb, M, N, K, a, lda, b, ldb, c, ldc, beta, this.mainScratch, counter, split);
      return 0;
    });
  }

  addBiasRows(y: Float32Array, bias: Float32Array, rows: number, cols: number): void {
    checkRows('addBiasRows y', y, rows, cols);
    checkLength('addBiasRows bias', bias, cols);
    const yAddress = this.address(y, 'addBiasRows y');
    const biasAddress = this.address(bias, 'addBiasRows bias');
    const helper = this.helperFor(rows * cols, ROWWISE_SPLIT_MIN_ELEMENTS, rows >= 2);
    if (!helper) {
      this.wasm.addBiasRows(yAddress, biasAddress, rows, cols, cols);
      return;
    }
    const ownRows = Math.ceil(rows / 2);
    setArgs(helper.args, yAddress + ownRows * cols * 4, biasAddress, rows - ownRows, cols, cols);
    helper.run(functionIndex('addBiasRows'), () => {
      this.wasm.addBiasRows(yAddress, biasAddress, ownRows, cols, cols);
      return 0;
    });
  }

  sumRowsInto(biasGrad: Float32Array, dy: Float32Array, rows: number, cols: number): void {
    checkRows('sumRowsInto dy', dy, rows, cols);
    checkLength('sumRowsInto biasGrad', biasGrad, cols);
    const gradAddress = this.address(biasGrad, 'sumRowsInto biasGrad');
    const dyAddress = this.address(dy, 'sumRowsInto dy');
    // Split by columns, so each thread owns its part of biasGrad; the cut is a whole cache line of it.
    const helper = this.helperFor(rows * cols, ROWWISE_SPLIT_MIN_ELEMENTS, cols >= 32);
    if (!helper) {
      this.wasm.sumRowsInto(gradAddress, dyAddress, rows, cols, cols);
      return;
    }
    const ownCols = Math.ceil(cols / 32) * 16;
    setArgs(helper.args, gradAddress + ownCols * 4, dyAddress + ownCols * 4, rows, cols - ownCols, cols);
    helper.run(functionIndex('sumRowsInto'), () => {
      this.wasm.sumRowsInto(gradAddress, dyAddress, rows, ownCols, cols);
      return 0;
    });
  }

  softmaxCrossEntropy(logits: Float32Array, targets: Int32Array, rows: number, cols: number, scale: number): number {
    checkRows('softmaxCrossEntropy logits', logits, rows, cols);
    checkTargets(targets, rows, cols);
    const logitsAddress = this.address(logits, 'softmaxCrossEntropy logits');
    const targetsAddress = this.ownBuffers.has(targets.buffer) ? targets.byteOffset : this.copyTargets(targets, rows);
    const helper = this.helperFor(rows * cols, ROWWISE_SPLIT_MIN_ELEMENTS, rows >= 2);
    if (!helper) return this.wasm.softmaxCrossEntropy(logitsAddress, targetsAddress, rows, cols, scale);
    const ownRows = Math.ceil(rows / 2);
    setArgs(helper.args, logitsAddress + ownRows * cols * 4, targetsAddress + ownRows * 4, rows - ownRows, cols, scale);
    return helper.run(functionIndex('softmaxCrossEntropy'), () => this.wasm.softmaxCrossEntropy(logitsAddress, targetsAddress, ownRows, cols, scale));
  }

  private copyTargets(targets: Int32Array, rows: number): number {
    if (this.targetsCopy.length < rows) this.targetsCopy = this.allocInt32(Math.max(rows, 2 * this.targetsCopy.length));
    this.targetsCopy.set(targets.subarray(0, rows));
    return this.targetsCopy.byteOffset;
  }

  logSoftmaxRows(logits: Float32Array, rows: number, cols: number): void {
    checkRows('logSoftmaxRows logits', logits, rows, cols);
    const logitsAddress = this.address(logits, 'logSoftmaxRows logits');
    const helper = this.helperFor(rows * cols, ROWWISE_SPLIT_MIN_ELEMENTS, rows >= 2);
    if (!helper) {
      this.wasm.logSoftmaxRows(logitsAddress, rows, cols);
      return;
    }
    const ownRows = Math.ceil(rows / 2);
    setArgs(helper.args, logitsAddress + ownRows * cols * 4, rows - ownRows, cols);
    helper.run(functionIndex('logSoftmaxRows'), () => {
      this.wasm.logSoftmaxRows(logitsAddress, ownRows, cols);
      return 0;
    });
  }

  sumSquares(x: Float32Array, n: number): number {
    checkCount('sumSquares n', n);
    checkLength('sumSquares x', x, n);
    const xAddress = this.address(x, 'sumSquares x');
    const helper = this.helperFor(n, ELEMENTWISE_SPLIT_MIN_ELEMENTS, true);
    if (!helper) return this.wasm.sumSquares(xAddress, n);
    const own = halfInCacheLines(n);
    setArgs(helper.args, xAddress + own * 4, n - own);
    return helper.run(functionIndex('sumSquares'), () => this.wasm.sumSquares(xAddress, own));
  }

  scale(x: Float32Array, s: number, n: number): void {
    checkCount('scale n', n);
    checkLength('scale x', x, n);
    const xAddress = this.address(x, 'scale x');
    const helper = this.helperFor(n, ELEMENTWISE_SPLIT_MIN_ELEMENTS, true);
    if (!helper) {
      this.wasm.scale(xAddress, s, n);
      return;
    }
    const own = halfInCacheLines(n);
    setArgs(helper.args, xAddress + own * 4, s, n - own);
    helper.run(functionIndex('scale'), () => {
      this.wasm.scale(xAddress, s, own);
      return 0;
    });
  }

  adam(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, n: number, lr: number, b1: number, b2: number, eps: number): void {
    checkCount('adam n', n);
    for (const [what, array] of [['p', p], ['g', g], ['m', m], ['v', v]] as const) checkLength(`adam ${what}`, array, n);
    const pa = this.address(p, 'adam p');
    const ga = this.address(g, 'adam g');
    const ma = this.address(m, 'adam m');
    const va = this.address(v, 'adam v');
    const helper = this.helperFor(n, ELEMENTWISE_SPLIT_MIN_ELEMENTS, true);
    if (!helper) {
      this.wasm.adam(pa, ga, ma, va, n, lr, b1, b2, eps);
      return;
    }
    const own = halfInCacheLines(n);
    const offset = own * 4;
    setArgs(helper.args, pa + offset, ga + offset, ma + offset, va + offset, n - own, lr, b1, b2, eps);
    helper.run(functionIndex('adam'), () => {
      this.wasm.adam(pa, ga, ma, va, own, lr, b1, b2, eps);
      return 0;
    });
  }

  // The cell steps run on one thread: a step of the reference model is 8,192 units, a few microseconds of work.
  lstmForward(xp: Float32Array, hp: Float32Array, cPrev: Float32Array, h: Float32Array, c: Float32Array, cache: Float32Array, batch: number, hidden: number): void {
    checkCellArrays('lstmForward', batch, hidden, [['xp', xp, 4], ['hp', hp, 4], ['cPrev', cPrev, 1], ['h', h, 1], ['c', c, 1], ['cache', cache, 5]]);
    this.wasm.lstmForward(
      this.address(xp, 'lstmForward xp'), this.address(hp, 'lstmForward hp'), this.address(cPrev, 'lstmForward cPrev'),
      this.address(h, 'lstmForward h'), this.address(c, 'lstmForward c'), this.address(cache, 'lstmForward cache'), batch, hidden,
    );
  }

  lstmBackward(
    cPrev: Float32Array, cache: Float32Array, dh: Float32Array, dc: Float32Array,
    dxp: Float32Array, dhp: Float32Array, dhPrev: Float32Array, dcPrev: Float32Array, batch: number, hidden: number,
  ): void {
    checkCellArrays('lstmBackward', batch, hidden, [
      ['cPrev', cPrev, 1], ['cache', cache, 5], ['dh', dh, 1], ['dc', dc, 1], ['dxp', dxp, 4], ['dhp', dhp, 4], ['dhPrev', dhPrev, 1], ['dcPrev', dcPrev, 1],
    ]);
    this.wasm.lstmBackward(
      this.address(cPrev, 'lstmBackward cPrev'), this.address(cache, 'lstmBackward cache'), this.address(dh, 'lstmBackward dh'),
      this.address(dc, 'lstmBackward dc'), this.address(dxp, 'lstmBackward dxp'), this.address(dhp, 'lstmBackward dhp'),
      this.address(dhPrev, 'lstmBackward dhPrev'), this.address(dcPrev, 'lstmBackward dcPrev'), batch, hidden,
    );
  }

  gruForward(xp: Float32Array, hp: Float32Array, hPrev: Float32Array, h: Float32Array, cache: Float32Array, batch: number, hidden: number): void {
    checkCellArrays('gruForward', batch, hidden, [['xp', xp, 3], ['hp', hp, 3], ['hPrev', hPrev, 1], ['h', h, 1], ['cache', cache, 4]]);
    this.wasm.gruForward(
      this.address(xp, 'gruForward xp'), this.address(hp, 'gruForward hp'), this.address(hPrev, 'gruForward hPrev'),
      this.address(h, 'gruForward h'), this.address(cache, 'gruForward cache'), batch, hidden,
    );
  }

  gruBackward(hPrev: Float32Array, cache: Float32Array, dh: Float32Array, dxp: Float32Array, dhp: Float32Array, dhPrev: Float32Array, batch: number, hidden: number): void {
    checkCellArrays('gruBackward', batch, hidden, [['hPrev', hPrev, 1], ['cache', cache, 4], ['dh', dh, 1], ['dxp', dxp, 3], ['dhp', dhp, 3], ['dhPrev', dhPrev, 1]]);
    this.wasm.gruBackward(
      this.address(hPrev, 'gruBackward hPrev'), this.address(cache, 'gruBackward cache'), this.address(dh, 'gruBackward dh'),
      this.address(dxp, 'gruBackward dxp'), this.address(dhp, 'gruBackward dhp'), this.address(dhPrev, 'gruBackward dhPrev'), batch, hidden,
    );
  }

  dispose(): void {
    this.helper?.dispose();
    this.helper = undefined;
  }
}

/** About half of n, as a whole number of 64-byte lines of floats. */
function halfInCacheLines(n: number): number {
  return Math.min(n, Math.ceil(n / 32) * 16);
}

function setArgs(args: Float64Array, ...values: number[]): void {
  args.set(values);
}
