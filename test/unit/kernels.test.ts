import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { typescriptKernels, wasmKernels, type Kernels } from '../../src/model/kernels/kernels';
import { ELEMENTWISE_SPLIT_MIN_ELEMENTS, GEMM_BY_DOTS_SPLIT_MIN_B_ELEMENTS, GEMM_SPLIT_MIN_MULTIPLY_ADDS, ROWWISE_SPLIT_MIN_ELEMENTS } from '../../src/model/kernels/wasmKernels';

/**
 * Every wasm kernel against the TypeScript reference (which sums in float64), on seeded random data of odd
 * sizes, through subarray views at odd offsets whose neighbouring elements must stay untouched. Errors are
 * measured relative to the largest reference magnitude, and the largest one seen per kernel is printed.
 */
const reference = typescriptKernels();
const worstError = new Map<string, number>();

/** Deterministic uniform numbers in [-1, 1), so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

const GUARD = 5;
const SENTINEL = 12345.5;

/** n floats at an odd offset inside a kernel-owned array, with sentinels on both sides. */
class GuardedView {
  readonly whole: Float32Array;
  readonly view: Float32Array;

  constructor(kernels: Kernels, values: Float32Array, offset: number) {
    this.whole = kernels.alloc(offset + values.length + GUARD);
    this.whole.fill(SENTINEL);
    this.view = this.whole.subarray(offset, offset + values.length);
    this.view.set(values);
  }

  assertGuardsIntact(what: string): void {
    const offset = this.view.byteOffset - this.whole.byteOffset;
    for (let i = 0; i < this.whole.length; i++) {
      const inside = i >= offset / 4 && i < offset / 4 + this.view.length;
      if (!inside) assert.equal(this.whole[i], SENTINEL, `${what}: element ${i} outside the view was overwritten`);
    }
  }
}

function randomArray(n: number, next: () => number, amplitude = 1): Float32Array {
  const array = new Float32Array(n);
  for (let i = 0; i < n; i++) array[i] = next() * amplitude;
  return array;
}

/** max |actual − expected| / max |expected|, recorded under kernel; fails above bound. */
function assertClose(kernel: string, actual: ArrayLike<number>, expected: ArrayLike<number>, bound: number, context: string): void {
  assert.equal(actual.length, expected.length);
  let maxDiff = 0;
  let maxExpected = 1e-30;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    if (!(diff <= maxDiff)) maxDiff = diff; // NaN sticks
    maxExpected = Math.max(maxExpected, Math.abs(expected[i]));
  }
  const error = maxDiff / maxExpected;
  worstError.set(kernel, Math.max(worstError.get(kernel) ?? 0, Number.isNaN(error) ? Infinity : error));
  assert.ok(error <= bound, `${kernel} ${context}: relative error ${error} > ${bound}`);
}

interface GemmCase {
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
  beta: 0 | 1;
}

const TRANSPOSES = [[false, false], [true, false], [false, true], [true, true]] as const;
const SMALL_SIZES = [1, 3, 7, 17, 33];

interface GemmExpectation extends GemmCase {
  A: Float32Array;
  B: Float32Array;
  C0: Float32Array;
  expected: Float32Array;
}

/** Cases with inputs and reference results, computed once for all the wasm variants. */
let gemmExpectations: GemmExpectation[] | undefined;

function gemmCases(): GemmExpectation[] {
  if (gemmExpectations) return gemmExpectations;
  const cases: GemmCase[] = [];
  for (const [transA, transB] of TRANSPOSES) {
    for (const M of SMALL_SIZES) for (const N of SMALL_SIZES) for (const K of SMALL_SIZES) {
      cases.push({ transA, transB, M, N, K, beta: ((M + N + K) % 2) as 0 | 1 });
    }
    // 100s against the 4×8 tile; past each cache block (KC 256, MC 128, NC 1024); large enough for two
    // threads, split by rows and by columns; and the dot-product path for at most 12 rows of A·Bᵀ, on two threads.
    for (const [M, N, K] of [[100, 100, 100], [100, 1, 33], [1, 100, 7], [17, 33, 100], [5, 1029, 259], [131, 9, 259], [517, 67, 150], [67, 517, 150], [5, 4099, 257]]) {
      for (const beta of [0, 1] as const) cases.push({ transA, transB, M, N, K, beta });
    }
  }
  gemmExpectations = cases.map((gemmCase, index) => {
    const { transA, transB, M, N, K, beta } = gemmCase;
    const next = random(index + 1);
    const A = randomArray(M * K, next);
    const B = randomArray(K * N, next);
    const C0 = randomArray(M * N, next);
    const expected = C0.slice();
    reference.gemm(transA, transB, M, N, K, A, B, expected, beta);
    return { ...gemmCase, A, B, C0, expected };
  });
  return gemmExpectations;
}

function describeWasm(threads: 1 | 2, relaxedSimd: boolean): void {
  describe(`wasm kernels (${relaxedSimd ? 'relaxed simd' : 'simd'}, ${threads} thread${threads === 2 ? 's' : ''})`, () => {
    let kernels: Kernels;
    before(async () => {
      kernels = await wasmKernels({ threads, relaxedSimd });
    });
    after(() => kernels.dispose());

    it('gemm matches the reference for all transposes, beta 0 and 1, odd sizes and odd view offsets', () => {
      for (const { transA, transB, M, N, K, beta, A, B, C0, expected } of gemmCases()) {
        const a = new GuardedView(kernels, A, 1);
        const b = new GuardedView(kernels, B, 3);
        const c = new GuardedView(kernels, C0, 5);
        kernels.gemm(transA, transB, M, N, K, a.view, b.view, c.view, beta);
        const context = `transA=${transA} transB=${transB} M=${M} N=${N} K=${K} beta=${beta}`;
        assertClose('gemm', c.view, expected, 1e-5, context);
        for (const guarded of [a, b, c]) guarded.assertGuardsIntact(context);
        assert.deepEqual(a.view, A, 'gemm must not change A');
        assert.deepEqual(b.view, B, 'gemm must not change B');
      }
    });

    it('gemm with beta 0 overwrites NaN garbage in C, and K = 0 gives beta·C', () => {
      const A = kernels.alloc(6), B = kernels.alloc(6), C = kernels.alloc(9).fill(NaN);
      A.fill(1);
      B.fill(2);
      kernels.gemm(false, false, 3, 3, 2, A, B, C, 0);
      assert.deepEqual(Array.from(C), Array(9).fill(4));
      kernels.gemm(false, false, 3, 3, 0, A, B, C, 1);
      assert.deepEqual(Array.from(C), Array(9).fill(4));
      kernels.gemm(false, false, 3, 3, 0, A, B, C, 0);
      assert.deepEqual(Array.from(C), Array(9).fill(0));
    });

    it('addBiasRows and sumRowsInto match the reference', () => {
      for (const [rows, cols] of [[1, 1], [3, 7], [17, 33], [7, 100], [263, 1001], [2049, 129]]) {
        const next = random(rows * 1000 + cols);
        const y = randomArray(rows * cols, next);
        const bias = randomArray(cols, next);
        const grad = randomArray(cols, next);
        const context = `rows=${rows} cols=${cols}`;

        const expectedY = y.slice();
        reference.addBiasRows(expectedY, bias, rows, cols);
        const yView = new GuardedView(kernels, y, 3);
        const biasView = new GuardedView(kernels, bias, 1);
        kernels.addBiasRows(yView.view, biasView.view, rows, cols);
        assertClose('addBiasRows', yView.view, expectedY, 1e-6, context);
        yView.assertGuardsIntact(context);

        const expectedGrad = grad.slice();
        reference.sumRowsInto(expectedGrad, y, rows, cols);
        const gradView = new GuardedView(kernels, grad, 5);
        const dyView = new GuardedView(kernels, y, 1);
        kernels.sumRowsInto(gradView.view, dyView.view, rows, cols);
        assertClose('sumRowsInto', gradView.view, expectedGrad, 1e-5, context);
        gradView.assertGuardsIntact(context);
      }
    });

    it('softmaxCrossEntropy matches the reference, ignoring rows with target -1', () => {
      for (const [rows, cols, amplitude] of [[1, 1, 1], [3, 7, 5], [17, 33, 10], [5, 100, 30], [263, 1001, 8], [9, 10000, 4]]) {
        const next = random(rows * 7 + cols);
        const logits = randomArray(rows * cols, next, amplitude);
        const targets = Int32Array.from({ length: rows }, (_, r) => (r % 5 === 3 ? -1 : Math.floor(((next() + 1) / 2) * cols)));
        const scale = 1 / rows;
        const expected = logits.slice();
        const expectedLoss = reference.softmaxCrossEntropy(expected, targets, rows, cols, scale);
        const view = new GuardedView(kernels, logits, 3);
        const loss = kernels.softmaxCrossEntropy(view.view, targets, rows, cols, scale);
        const context = `rows=${rows} cols=${cols} amplitude=${amplitude}`;
        assertClose('softmaxCrossEntropy loss', [loss], [expectedLoss], 1e-5, context);
        assertClose('softmaxCrossEntropy gradient', view.view, expected, 1e-5, context);
        view.assertGuardsIntact(context);
      }
    });

    it('softmaxCrossEntropy stays exact for extreme logits: ±80, all equal, one dominant', () => {
      const cols = 37;
      const rows = 4;
      const logits = new Float32Array(rows * cols);
      for (let j = 0; j < cols; j++) {
        logits[j] = j % 2 === 0 ? 80 : -80;
        logits[cols + j] = -80;
        logits[2 * cols + j] = 3.25;
        logits[3 * cols + j] = j === 5 ? 88 : -88;
      }
      // Targets on a -80 entry among +80s, on an all-equal row, and on a non-dominant class.
      const targets = Int32Array.from([1, 4, 36, 6]);
      const expected = logits.slice();
      const expectedLoss = reference.softmaxCrossEntropy(expected, targets, rows, cols, 2);
      const actual = kernels.alloc(rows * cols);
      actual.set(logits);
      const loss = kernels.softmaxCrossEntropy(actual, targets, rows, cols, 2);
      assert.ok(Number.isFinite(loss));
      assertClose('softmaxCrossEntropy loss', [loss], [expectedLoss], 1e-6, 'extreme logits');
      assertClose('softmaxCrossEntropy gradient', actual, expected, 1e-6, 'extreme logits');
      assert.ok(Math.abs(actual[2 * cols] - 2 / cols) < 1e-7, 'all-equal row gives a uniform softmax');
    });

    it('softmax exponentials have a relative error below 2e-6 over the whole range [-87, 0]', () => {
      // A row [0, x] has softmax[1] = e^x / (1 + e^x), so its relative error is that of the kernel's e^x
      // (plus float32 rounding of the division).
      const rows = 8701;
      const logits = kernels.alloc(rows * 2);
      const xs = Array.from({ length: rows }, (_, r) => -87 + r * 0.01);
      xs.forEach((x, r) => logits.set([0, x], 2 * r));
      kernels.softmaxCrossEntropy(logits, new Int32Array(rows), rows, 2, 1);
      let worst = 0;
      xs.forEach((x, r) => {
        const exact = Math.fround(x) === 0 ? 0.5 : Math.exp(Math.fround(x)) / (1 + Math.exp(Math.fround(x)));
        worst = Math.max(worst, Math.abs(logits[2 * r + 1] - exact) / exact);
      });
      worstError.set('exp (relative, per value)', Math.max(worstError.get('exp (relative, per value)') ?? 0, worst));
      assert.ok(worst < 2e-6, `exp relative error ${worst}`);
    });

    it('softmaxCrossEntropy reads targets that live in kernel memory, and rejects targets >= cols', () => {
      const rows = 3, cols = 5;
      const logits = kernels.alloc(rows * cols).fill(1);
      const targetsMemory = kernels.alloc(rows);
      const targets = new Int32Array(targetsMemory.buffer, targetsMemory.byteOffset, rows);
      targets.set([0, -1, 4]);
      const loss = kernels.softmaxCrossEntropy(logits, targets, rows, cols, 1);
      assert.ok(Math.abs(loss - 2 * Math.log(cols)) < 1e-6);
      assert.equal(logits[5], 0);
      assert.throws(() => kernels.softmaxCrossEntropy(logits, Int32Array.from([0, 5, 0]), rows, cols, 1), /target 5 of row 1/);
    });

    it('logSoftmaxRows matches the reference', () => {
      for (const [rows, cols, amplitude] of [[1, 1, 1], [3, 7, 80], [17, 33, 10], [263, 1001, 8]]) {
        const next = random(rows * 13 + cols);
        const logits = randomArray(rows * cols, next, amplitude);
        const expected = logits.slice();
        reference.logSoftmaxRows(expected, rows, cols);
        const view = new GuardedView(kernels, logits, 1);
        kernels.logSoftmaxRows(view.view, rows, cols);
        const context = `rows=${rows} cols=${cols}`;
        assertClose('logSoftmaxRows', view.view, expected, 1e-6, context);
        view.assertGuardsIntact(context);
      }
    });

    it('sumSquares, scale and adam match the reference on prefixes of longer arrays', () => {
      for (const n of [0, 1, 3, 17, 1001, 600_011]) {
        const next = random(n + 99);
        const length = n + 6;
        const x = randomArray(length, next);
        const context = `n=${n}`;
        const xView = new GuardedView(kernels, x, 1);
        assertClose('sumSquares', [kernels.sumSquares(xView.view, n)], [reference.sumSquares(x, n)], 1e-6, context);

        const expectedScaled = x.slice();
        reference.scale(expectedScaled, 0.37, n);
        kernels.scale(xView.view, 0.37, n);
        assertClose('scale', xView.view, expectedScaled, 1e-6, context);
        xView.assertGuardsIntact(context);

        const p = randomArray(length, next), g = randomArray(length, next), m = randomArray(length, next, 0.1);
        const v = randomArray(length, next).map(Math.abs);
        const expected = [p, g, m, v].map((array) => array.slice());
        const views = [p, g, m, v].map((array, i) => new GuardedView(kernels, array, 2 * i + 1));
        for (let step = 0; step < 3; step++) {
          reference.adam(expected[0], expected[1], expected[2], expected[3], n, 1e-3, 0.9, 0.999, 1e-8);
          kernels.adam(views[0].view, views[1].view, views[2].view, views[3].view, n, 1e-3, 0.9, 0.999, 1e-8);
        }
        for (const [i, name] of ['p', 'g', 'm', 'v'].entries()) {
          assertClose(`adam ${name}`, views[i].view, expected[i], 1e-5, context);
          views[i].assertGuardsIntact(`adam ${name} ${context}`);
        }
      }
    });

    it('lstm and gru cell steps match the reference, including saturated gates and widths not a multiple of 4', () => {
      for (const [batch, hidden] of [[1, 1], [3, 7], [2, 33], [32, 100]]) {
        const next = random(batch * 101 + hidden);
        // Pre-activations of a few units, with some far out in the saturated range.
        const preActivations = (n: number): Float32Array => randomArray(n, next, 4).map((x, i) => (i % 17 === 5 ? x * 30 : x));
        const context = `batch=${batch} hidden=${hidden}`;
        const run = (name: string, blocks: Record<string, [Float32Array, number]>, call: (k: Kernels, arrays: Record<string, Float32Array>) => void): void => {
          const expected: Record<string, Float32Array> = {};
          const views: Record<string, GuardedView> = {};
          let offset = 1;
          for (const [key, [values]] of Object.entries(blocks)) {
            expected[key] = values.slice();
            views[key] = new GuardedView(kernels, values, offset);
            offset += 2;
          }
          call(reference, expected);
          call(kernels, Object.fromEntries(Object.entries(views).map(([key, view]) => [key, view.view])));
          for (const key of Object.keys(blocks)) {
            assertClose(`${name} ${key}`, views[key].view, expected[key], 2e-6, context);
            views[key].assertGuardsIntact(`${name} ${key} ${context}`);
          }
        };
        const units = batch * hidden;
        const lstmCache = new Float32Array(5 * units);
        run('lstmForward', {
          xp: [preActivations(4 * units), 4], hp: [preActivations(4 * units), 4], cPrev: [randomArray(units, next, 2), 1],
          h: [new Float32Array(units), 1], c: [new Float32Array(units), 1], cache: [lstmCache, 5],
        }, (k, a) => k.lstmForward(a.xp, a.hp, a.cPrev, a.h, a.c, a.cache, batch, hidden));
        const forwardCache = new Float32Array(5 * units);
        reference.lstmForward(preActivations(4 * units), preActivations(4 * units), randomArray(units, next), new Float32Array(units), new Float32Array(units), forwardCache, batch, hidden);
        run('lstmBackward', {
          cPrev: [randomArray(units, next, 2), 1], cache: [forwardCache, 5], dh: [randomArray(units, next), 1], dc: [randomArray(units, next), 1],
          dxp: [new Float32Array(4 * units), 4], dhp: [new Float32Array(4 * units), 4], dhPrev: [randomArray(units, next), 1], dcPrev: [new Float32Array(units), 1],
        }, (k, a) => k.lstmBackward(a.cPrev, a.cache, a.dh, a.dc, a.dxp, a.dhp, a.dhPrev, a.dcPrev, batch, hidden));

        run('gruForward', {
          xp: [preActivations(3 * units), 3], hp: [preActivations(3 * units), 3], hPrev: [randomArray(units, next), 1],
          h: [new Float32Array(units), 1], cache: [new Float32Array(4 * units), 4],
        }, (k, a) => k.gruForward(a.xp, a.hp, a.hPrev, a.h, a.cache, batch, hidden));
        const gruCache = new Float32Array(4 * units);
        reference.gruForward(preActivations(3 * units), preActivations(3 * units), randomArray(units, next), new Float32Array(units), gruCache, batch, hidden);
        run('gruBackward', {
          hPrev: [randomArray(units, next), 1], cache: [gruCache, 4], dh: [randomArray(units, next), 1],
          dxp: [new Float32Array(3 * units), 3], dhp: [new Float32Array(3 * units), 3], dhPrev: [new Float32Array(units), 1],
        }, (k, a) => k.gruBackward(a.hPrev, a.cache, a.dh, a.dxp, a.dhp, a.dhPrev, batch, hidden));
      }
    });

    it('rejects arrays that are not from its own memory, and shapes larger than the arrays', () => {
      const own = kernels.alloc(4);
      assert.throws(() => kernels.gemm(false, false, 2, 2, 1, new Float32Array(2), own, own, 0), /gemm A is not in this wasm kernels instance's memory/);
      assert.throws(() => kernels.scale(new Float32Array(new SharedArrayBuffer(16)), 2, 4), /scale x is not in this wasm kernels instance's memory/);
      assert.throws(() => kernels.gemm(false, false, 2, 2, 3, own, own, own, 0), /gemm A has 4 elements but 6 are needed/);
      assert.throws(() => kernels.gemm(false, false, 2, 2, 1, own, own, own, 2 as 0), /beta must be 0 or 1/);
    });

    it('keeps earlier arrays valid when alloc grows the memory', () => {
      const early = kernels.alloc(5);
      early.set([1, 2, 3, 4, 5]);
      const large = kernels.alloc(20_000_000);
      assert.equal(large.length, 20_000_000);
      assert.equal(large[19_999_999], 0);
      assert.equal(kernels.sumSquares(early, 5), 55);
      kernels.scale(large.subarray(0, 5), 0, 5);
      assert.deepEqual(Array.from(early), [1, 2, 3, 4, 5]);
    });

    it('accepts its arrays after another instance grew its memory (which makes V8 replace memory.buffer objects)', async () => {
      const other = await wasmKernels({ threads: 1 });
      const before = kernels.alloc(3).fill(2);
      other.alloc(20_000_000);
      const after = kernels.alloc(3).fill(3);
      assert.equal(kernels.sumSquares(before, 3) + kernels.sumSquares(after, 3), 39);
      other.dispose();
    });
  });
}

describe('kernels', () => {
  describeWasm(1, false);
  describeWasm(2, false);
  describeWasm(1, true);
  describeWasm(2, true);

  it('tests sizes large enough for the two-thread paths of every kernel', () => {
    assert.ok(517 * 67 * 150 >= GEMM_SPLIT_MIN_MULTIPLY_ADDS && 4099 * 257 >= GEMM_BY_DOTS_SPLIT_MIN_B_ELEMENTS);
    assert.ok(263 * 1001 >= ROWWISE_SPLIT_MIN_ELEMENTS && 2049 * 129 >= ROWWISE_SPLIT_MIN_ELEMENTS);
    assert.ok(600_011 >= ELEMENTWISE_SPLIT_MIN_ELEMENTS);
  });

  it('a wasm instance rejects arrays of another wasm instance', async () => {
    const [first, second] = await Promise.all([wasmKernels({ threads: 1 }), wasmKernels({ threads: 1 })]);
    assert.throws(() => first.sumSquares(second.alloc(3), 3), /sumSquares x is not in this wasm kernels instance's memory/);
  });

  it('a process with 2-thread kernels exits without dispose()', function () {
    this.timeout(20_000);
    const kernelsModule = path.resolve(__dirname, '../../src/model/kernels/kernels.js');
    const script = `require(${JSON.stringify(kernelsModule)}).wasmKernels({ threads: 2 }).then((k) => { const x = k.alloc(1 << 20).fill(1); console.log(k.sumSquares(x, x.length)); });`;
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 15_000 });
    assert.equal(result.status, 0, `child exited with ${result.status} ${result.signal ?? ''}: ${result.stderr}`);
    assert.equal(result.stdout.trim(), String(1 << 20));
  });

  after(() => {
    const lines = [...worstError].map(([kernel, error]) => `    ${kernel.padEnd(30)} ${error.toExponential(2)}`);
    console.log(`\n  largest relative error of the wasm kernels against the TypeScript reference:\n${lines.join('\n')}`);
  });
});
