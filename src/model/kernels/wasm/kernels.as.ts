// Numeric kernels for the language model, compiled by AssemblyScript to WebAssembly SIMD.
// All pointers are byte addresses into the (shared, imported) linear memory; all matrices are row-major f32.
// The module keeps no state and has no data segments, so the same binary can be instantiated on every
// thread over one shared memory; per-thread scratch space is passed in by the caller.

// A 4×8 register tile: 8 f32x4 accumulators + 2 B vectors + 1 broadcast A value fit the 16 xmm
// registers V8 allocates on x64 without spilling (a 6×8 tile spills and runs slower).
const MR: i32 = 4;
const NR: i32 = 8;
// Cache blocking: a packed KC×NR B micro-panel (8 KiB) stays in L1 while it meets every MR-row
// micro-panel of the packed MC×KC A block (128 KiB, L2); the packed KC×NC B block (1 MiB) is reused for all of M.
const KC: i32 = 256;
const MC: i32 = 128;
const NC: i32 = 1024;
const TILE_BYTES: usize = <usize>(MR * NR * 4);
const PACKED_A_BYTES: usize = <usize>(MC * KC * 4);
const PACKED_B_BYTES: usize = <usize>(KC * NC * 4);

/** Bytes of scratch memory one thread needs for gemm. */
export function gemmScratchBytes(): i32 {
  return <i32>(TILE_BYTES + PACKED_A_BYTES + PACKED_B_BYTES);
}

/** First byte of linear memory that is free for the host's allocator. */
export function heapBase(): usize {
  return __heap_base;
}

// Fused multiply-add where the engine offers it (relaxed SIMD maps to vfmadd on x64): one instruction
// instead of two per pair of flops, which is the bottleneck of the gemm inner loop.
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// c − a·b, fused where the engine offers it.
@inline function nmadd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_nmadd(a, b, c);
  return f32x4.sub(c, f32x4.mul(a, b));
}

@inline function min32(a: i32, b: i32): i32 {
  return a < b ? a : b;
}

/**
 * C = beta*C + op(A)·op(B) with op(A) [m×k] and op(B) [k×n]. lda/ldb/ldc are row strides in elements of the
 * arrays as stored, so a caller can hand a block of rows or columns of one product to another thread.
 */
export function gemm(
  transA: i32, transB: i32, m: i32, n: i32, k: i32,
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, beta: i32, scratch: usize,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (beta == 0) for (let i = 0; i < m; i++) memory.fill(c + <usize>(i * ldc) * 4, 0, <usize>n * 4);
    return;
  }
  if (!transA && transB && m <= DOT_MAX_ROWS) {
    gemmByDots(m, n, k, a, lda, b, ldb, c, ldc, beta);
    return;
  }
  const tile = scratch;
  const packedA = scratch + TILE_BYTES;
  const packedB = packedA + PACKED_A_BYTES;
  const ldcBytes = <usize>ldc * 4;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min32(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min32(KC, k - pc);
      const accumulate = beta != 0 || pc > 0;
      packB(transB, b, ldb, pc, jc, kc, nc, packedB);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min32(MC, m - ic);
        packA(transA, a, lda, ic, pc, mc, kc, packedA);
        for (let jr = 0; jr < nc; jr += NR) {
          const bPanel = packedB + <usize>(jr * kc) * 4;
          const cols = min32(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const aPanel = packedA + <usize>(ir * kc) * 4;
            const cBlock = c + (<usize>(ic + ir) * ldcBytes) + <usize>(jc + jr) * 4;
            microKernel(aPanel, bPanel, kc, cBlock, ldcBytes, min32(MR, mc - ir), cols, accumulate, tile);
          }
        }
      }
    }
  }
}

/**
 * One thread's part of a gemm that several threads compute together: each calls this with the same arguments,
 * and they take blocks of rows (splitRows != 0) or columns of C from the shared counter at `claimed` (zero at
 * the start) until none are left. A claim is half of what remains, but at least a quarter of the whole: the
 * first thread takes half at once, a second one the rest in two pieces, and a thread that starts late or is
 * descheduled leaves its share to the other. Every block repacks the operand that is not split, so there are
 * never more than three.
 */
export function gemmShared(
  transA: i32, transB: i32, m: i32, n: i32, k: i32,
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, beta: i32, scratch: usize, claimed: usize, splitRows: i32,
): void {
  const total = splitRows ? m : n;
  const unit = splitRows ? MR : NR;
  const minimum = roundUp((total + 3) / 4, unit);
  let start = atomic.load<i32>(claimed);
  while (start < total) {
    const remaining = total - start;
    let size = roundUp((remaining + 1) / 2, unit);
    if (size < minimum) size = minimum;
    if (size > remaining) size = remaining;
    const seen = atomic.cmpxchg<i32>(claimed, start, start + size);
    if (seen != start) {
      start = seen;
      continue;
    }
    if (splitRows) {
      const aBlock = transA ? a + <usize>start * 4 : a + <usize>start * <usize>lda * 4;
      gemm(transA, transB, size, n, k, aBlock, lda, b, ldb, c + <usize>start * <usize>ldc * 4, ldc, beta, scratch);
    } else {
      const bBlock = transB ? b + <usize>start * <usize>ldb * 4 : b + <usize>start * 4;
      gemm(transA, transB, m, size, k, a, lda, bBlock, ldb, c + <usize>start * 4, ldc, beta, scratch);
    }
    start = atomic.load<i32>(claimed);
  }
}

@inline function roundUp(value: i32, unit: i32): i32 {
  return ((value + unit - 1) / unit) * unit;
}

// With few rows of A·Bᵀ (inference for a handful of streams) packing B costs more than the product, while every
// output is a dot product of two rows that lie contiguous in memory: 4 rows of A × 2 rows of B at a time, 8
// accumulators of 4 partial sums each. Measured: 3x faster than packing for 1 row, 1.2x for 8, even at 16; the
// packed kernel wins from there on (53 against 45 GFLOP/s at 32 rows).
const DOT_MAX_ROWS: i32 = 12;

/** The largest m for which gemm computes A·Bᵀ by dot products (reading B once, so bound by memory bandwidth). */
export function gemmByDotsMaxRows(): i32 {
  return DOT_MAX_ROWS;
}

function gemmByDots(m: i32, n: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, beta: i32): void {
  const ldaBytes = <usize>lda * 4;
  const ldbBytes = <usize>ldb * 4;
  const ldcBytes = <usize>ldc * 4;
  let j = 0;
  for (; j + 2 <= n; j += 2) {
    const b0 = b + <usize>j * ldbBytes;
    const b1 = b0 + ldbBytes;
    let i = 0;
    for (; i + 4 <= m; i += 4) dots4x2(a + <usize>i * ldaBytes, ldaBytes, b0, b1, k, c + <usize>i * ldcBytes + <usize>j * 4, ldcBytes, beta);
    for (; i < m; i++) {
      const aRow = a + <usize>i * ldaBytes;
      const cAt = c + <usize>i * ldcBytes + <usize>j * 4;
      storeDot(cAt, dot(aRow, b0, k), beta);
      storeDot(cAt + 4, dot(aRow, b1, k), beta);
    }
  }
  if (j < n) {
    const bRow = b + <usize>j * ldbBytes;
    for (let i = 0; i < m; i++) storeDot(c + <usize>i * ldcBytes + <usize>j * 4, dot(a + <usize>i * ldaBytes, bRow, k), beta);
  }
}

@inline function storeDot(at: usize, value: f32, beta: i32): void {
  store<f32>(at, beta != 0 ? load<f32>(at) + value : value);
}

@inline function sumLanes(v: v128): f32 {
  const pairs = f32x4.add(v, f32x4.shuffle(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(f32x4.add(pairs, f32x4.shuffle(pairs, pairs, 1, 0, 3, 2)), 0);
}

function dot(x: usize, y: usize, k: i32): f32 {
  let sum0 = f32x4.splat(0), sum1 = f32x4.splat(0);
  let p = 0;
  for (; p + 8 <= k; p += 8) {
    const at = <usize>p * 4;
    sum0 = madd(v128.load(x + at), v128.load(y + at), sum0);
    sum1 = madd(v128.load(x + at, 16), v128.load(y + at, 16), sum1);
  }
  for (; p + 4 <= k; p += 4) sum0 = madd(v128.load(x + <usize>p * 4), v128.load(y + <usize>p * 4), sum0);
  let sum = sumLanes(f32x4.add(sum0, sum1));
  for (; p < k; p++) sum += load<f32>(x + <usize>p * 4) * load<f32>(y + <usize>p * 4);
  return sum;
}

// C[0..4)[0..2) (+)= the dot products of 4 rows of A (ldaBytes apart) with the rows b0 and b1 of B.
function dots4x2(a: usize, ldaBytes: usize, b0: usize, b1: usize, k: i32, c: usize, ldcBytes: usize, beta: i32): void {
  const a1 = a + ldaBytes, a2 = a1 + ldaBytes, a3 = a2 + ldaBytes;
  let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
  let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
  let p = 0;
  for (; p + 4 <= k; p += 4) {
    const at = <usize>p * 4;
    const v0 = v128.load(b0 + at), v1 = v128.load(b1 + at);
    let u = v128.load(a + at);
    s00 = madd(u, v0, s00);
    s01 = madd(u, v1, s01);
    u = v128.load(a1 + at);
    s10 = madd(u, v0, s10);
    s11 = madd(u, v1, s11);
    u = v128.load(a2 + at);
    s20 = madd(u, v0, s20);
    s21 = madd(u, v1, s21);
    u = v128.load(a3 + at);
    s30 = madd(u, v0, s30);
    s31 = madd(u, v1, s31);
  }
  let d00 = sumLanes(s00), d01 = sumLanes(s01), d10 = sumLanes(s10), d11 = sumLanes(s11);
  let d20 = sumLanes(s20), d21 = sumLanes(s21), d30 = sumLanes(s30), d31 = sumLanes(s31);
  for (; p < k; p++) {
    const at = <usize>p * 4;
    const v0 = load<f32>(b0 + at), v1 = load<f32>(b1 + at);
    let u = load<f32>(a + at);
    d00 += u * v0;
    d01 += u * v1;
    u = load<f32>(a1 + at);
    d10 += u * v0;
    d11 += u * v1;
    u = load<f32>(a2 + at);
    d20 += u * v0;
    d21 += u * v1;
    u = load<f32>(a3 + at);
    d30 += u * v0;
    d31 += u * v1;
  }
  storeDot(c, d00, beta);
  storeDot(c + 4, d01, beta);
  const c1 = c + ldcBytes, c2 = c1 + ldcBytes, c3 = c2 + ldcBytes;
  storeDot(c1, d10, beta);
  storeDot(c1 + 4, d11, beta);
  storeDot(c2, d20, beta);
  storeDot(c2 + 4, d21, beta);
  storeDot(c3, d30, beta);
  storeDot(c3 + 4, d31, beta);
}

// Packed A: per MR-row panel, for each k the MR values of that column (rows past m are zero).
function packA(transA: i32, a: usize, lda: i32, ic: i32, pc: i32, mc: i32, kc: i32, dst: usize): void {
  const ldaBytes = <usize>lda * 4;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min32(MR, mc - ir);
    let out = dst + <usize>(ir * kc) * 4;
    if (transA) {
      // Stored [k×m]: the MR values for one k are adjacent.
      let src = a + <usize>pc * ldaBytes + <usize>(ic + ir) * 4;
      if (rows == MR) {
        for (let p = 0; p < kc; p++) {
          v128.store(out, v128.load(src));
          src += ldaBytes;
          out += 16;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let r = 0; r < MR; r++) store<f32>(out + <usize>r * 4, r < rows ? load<f32>(src + <usize>r * 4) : 0);
          src += ldaBytes;
          out += 16;
        }
      }
    } else {
      // Stored [m×k]: MR rows are read four k at a time and transposed in registers.
      const row0 = a + <usize>(ic + ir) * ldaBytes + <usize>pc * 4;
      if (rows == MR) {
        const row1 = row0 + ldaBytes, row2 = row1 + ldaBytes, row3 = row2 + ldaBytes;
        let p = 0;
        for (; p + 4 <= kc; p += 4) {
          const off = <usize>p * 4;
          transpose4x4Store(v128.load(row0 + off), v128.load(row1 + off), v128.load(row2 + off), v128.load(row3 + off), out, 16);
          out += 64;
        }
        for (; p < kc; p++) {
          const off = <usize>p * 4;
          store<f32>(out, load<f32>(row0 + off));
          store<f32>(out, load<f32>(row1 + off), 4);
          store<f32>(out, load<f32>(row2 + off), 8);
          store<f32>(out, load<f32>(row3 + off), 12);
          out += 16;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let r = 0; r < MR; r++) {
            store<f32>(out + <usize>r * 4, r < rows ? load<f32>(row0 + <usize>r * ldaBytes + <usize>p * 4) : 0);
          }
          out += 16;
        }
      }
    }
  }
}

// Packed B: per NR-column panel, for each k the NR values of that row (columns past n are zero).
function packB(transB: i32, b: usize, ldb: i32, pc: i32, jc: i32, kc: i32, nc: i32, dst: usize): void {
  const ldbBytes = <usize>ldb * 4;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min32(NR, nc - jr);
    let out = dst + <usize>(jr * kc) * 4;
    if (transB) {
      // Stored [n×k]: NR rows are read four k at a time and transposed in registers, 4 columns at a time.
      const col0 = b + <usize>(jc + jr) * ldbBytes + <usize>pc * 4;
      if (cols == NR) {
        const col1 = col0 + ldbBytes, col2 = col1 + ldbBytes, col3 = col2 + ldbBytes;
        const col4 = col3 + ldbBytes, col5 = col4 + ldbBytes, col6 = col5 + ldbBytes, col7 = col6 + ldbBytes;
        let p = 0;
        for (; p + 4 <= kc; p += 4) {
          const off = <usize>p * 4;
          transpose4x4Store(v128.load(col0 + off), v128.load(col1 + off), v128.load(col2 + off), v128.load(col3 + off), out, 32);
          transpose4x4Store(v128.load(col4 + off), v128.load(col5 + off), v128.load(col6 + off), v128.load(col7 + off), out + 16, 32);
          out += 128;
        }
        for (; p < kc; p++) {
          const off = <usize>p * 4;
          store<f32>(out, load<f32>(col0 + off));
          store<f32>(out, load<f32>(col1 + off), 4);
          store<f32>(out, load<f32>(col2 + off), 8);
          store<f32>(out, load<f32>(col3 + off), 12);
          store<f32>(out, load<f32>(col4 + off), 16);
          store<f32>(out, load<f32>(col5 + off), 20);
          store<f32>(out, load<f32>(col6 + off), 24);
          store<f32>(out, load<f32>(col7 + off), 28);
          out += 32;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let j = 0; j < NR; j++) {
            store<f32>(out + <usize>j * 4, j < cols ? load<f32>(col0 + <usize>j * ldbBytes + <usize>p * 4) : 0);
          }
          out += 32;
        }
      }
    } else {
      // Stored [k×n]: the NR values for one k are adjacent.
      let src = b + <usize>pc * ldbBytes + <usize>(jc + jr) * 4;
      if (cols == NR) {
        for (let p = 0; p < kc; p++) {
          v128.store(out, v128.load(src));
          v128.store(out, v128.load(src, 16), 16);
          src += ldbBytes;
          out += 32;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let j = 0; j < NR; j++) store<f32>(out + <usize>j * 4, j < cols ? load<f32>(src + <usize>j * 4) : 0);
          src += ldbBytes;
          out += 32;
        }
      }
    }
  }
}

// Writes the transpose of the 4×4 block whose rows are r0..r3: column q goes to out + q*stride.
@inline function transpose4x4Store(r0: v128, r1: v128, r2: v128, r3: v128, out: usize, stride: usize): void {
  const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = f32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t2 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(out, f32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(out + stride, f32x4.shuffle(t0, t1, 2, 3, 6, 7));
  v128.store(out + 2 * stride, f32x4.shuffle(t2, t3, 0, 1, 4, 5));
  v128.store(out + 3 * stride, f32x4.shuffle(t2, t3, 2, 3, 6, 7));
}

// One MR×NR block of C from a packed A panel and a packed B panel. Partial blocks at the matrix edges go
// through a scratch tile so the hot path has no per-element bounds logic.
function microKernel(
  ap: usize, bp: usize, kc: i32, c: usize, ldcBytes: usize, rows: i32, cols: i32, accumulate: bool, tile: usize,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let av = v128.load32_splat(ap);
    c00 = madd(av, b0, c00);
    c01 = madd(av, b1, c01);
    av = v128.load32_splat(ap, 4);
    c10 = madd(av, b0, c10);
    c11 = madd(av, b1, c11);
    av = v128.load32_splat(ap, 8);
    c20 = madd(av, b0, c20);
    c21 = madd(av, b1, c21);
    av = v128.load32_splat(ap, 12);
    c30 = madd(av, b0, c30);
    c31 = madd(av, b1, c31);
    ap += 16;
    bp += 32;
  }
  if (rows == MR && cols == NR) {
    const c1 = c + ldcBytes, c2 = c1 + ldcBytes, c3 = c2 + ldcBytes;
    if (accumulate) {
      c00 = f32x4.add(c00, v128.load(c));
      c01 = f32x4.add(c01, v128.load(c, 16));
      c10 = f32x4.add(c10, v128.load(c1));
      c11 = f32x4.add(c11, v128.load(c1, 16));
      c20 = f32x4.add(c20, v128.load(c2));
      c21 = f32x4.add(c21, v128.load(c2, 16));
      c30 = f32x4.add(c30, v128.load(c3));
      c31 = f32x4.add(c31, v128.load(c3, 16));
    }
    v128.store(c, c00);
    v128.store(c, c01, 16);
    v128.store(c1, c10);
    v128.store(c1, c11, 16);
    v128.store(c2, c20);
    v128.store(c2, c21, 16);
    v128.store(c3, c30);
    v128.store(c3, c31, 16);
    return;
  }
  v128.store(tile, c00);
  v128.store(tile, c01, 16);
  v128.store(tile, c10, 32);
  v128.store(tile, c11, 48);
  v128.store(tile, c20, 64);
  v128.store(tile, c21, 80);
  v128.store(tile, c30, 96);
  v128.store(tile, c31, 112);
  for (let r = 0; r < rows; r++) {
    const cRow = c + <usize>r * ldcBytes;
    const tileRow = tile + <usize>(r * NR) * 4;
    for (let j = 0; j < cols; j++) {
      const at = <usize>j * 4;
      const value = load<f32>(tileRow + at);
      store<f32>(cRow + at, accumulate ? load<f32>(cRow + at) + value : value);
    }
  }
}

/** y[r*ldy + j] += bias[j] for r < rows, j < cols. */
export function addBiasRows(y: usize, bias: usize, rows: i32, cols: i32, ldy: i32): void {
  const vecEnd = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const row = y + <usize>r * <usize>ldy * 4;
    let j = 0;
    for (; j < vecEnd; j += 4) {
      const at = <usize>j * 4;
      v128.store(row + at, f32x4.add(v128.load(row + at), v128.load(bias + at)));
    }
    for (; j < cols; j++) {
      const at = <usize>j * 4;
      store<f32>(row + at, load<f32>(row + at) + load<f32>(bias + at));
    }
  }
}

/** biasGrad[j] += sum over r < rows of dy[r*ldDy + j], for j < cols. */
export function sumRowsInto(biasGrad: usize, dy: usize, rows: i32, cols: i32, ldDy: i32): void {
  const vecEnd = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const row = dy + <usize>r * <usize>ldDy * 4;
    let j = 0;
    for (; j < vecEnd; j += 4) {
      const at = <usize>j * 4;
      v128.store(biasGrad + at, f32x4.add(v128.load(biasGrad + at), v128.load(row + at)));
    }
    for (; j < cols; j++) {
      const at = <usize>j * 4;
      store<f32>(biasGrad + at, load<f32>(biasGrad + at) + load<f32>(row + at));
    }
  }
}

// exp(x) per lane: x = n·ln2 + r with |r| <= ln2/2, exp(r) by the Cephes degree-6 polynomial (relative error
// ~1e-7), 2^n built in the exponent bits. x is clamped to [-87.3, 88] so 2^n stays a normal float: below, the
// result is ~1e-38 instead of an underflow (zero for every sum it enters); above, 1.6e38 instead of infinity
// (the sigmoid and tanh built on it are then exact). NaN stays NaN.
@inline function expLanes(x: v128): v128 {
  x = f32x4.pmax(f32x4.pmin(x, f32x4.splat(88.0)), f32x4.splat(-87.33654));
  // Adding 1.5·2^23 rounds x·log2(e) to the integer n and leaves n in the low mantissa bits of t,
  // which is cheaper than f32x4.nearest plus a float-to-int conversion.
  const t = madd(x, f32x4.splat(1.44269504088896341), f32x4.splat(12582912.0));
  const n = f32x4.sub(t, f32x4.splat(12582912.0));
  // ln2 split in a part with few mantissa bits (n·C1 is exact) and a remainder.
  let r = nmadd(n, f32x4.splat(0.693359375), x);
  r = nmadd(n, f32x4.splat(-2.12194440e-4), r);
  let p = f32x4.splat(1.9875691500e-4);
  p = madd(p, r, f32x4.splat(1.3981999507e-3));
  p = madd(p, r, f32x4.splat(8.3334519073e-3));
  p = madd(p, r, f32x4.splat(4.1665795894e-2));
  p = madd(p, r, f32x4.splat(1.6666665459e-1));
  p = madd(p, r, f32x4.splat(5.0000001201e-1));
  const expR = madd(f32x4.mul(p, r), r, f32x4.add(r, f32x4.splat(1)));
  // (n + 127) << 23, from the low bits of t: the high bits shift out.
  const pow2n = i32x4.add(i32x4.shl(t, 23), i32x4.splat(0x3f800000));
  return f32x4.mul(expR, pow2n);
}

@inline function expScalar(x: f32): f32 {
  return f32x4.extract_lane(expLanes(f32x4.splat(x)), 0);
}

@inline function sigmoidLanes(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, expLanes(f32x4.neg(x))));
}

// tanh per lane. Near zero 1 − 2/(e^{2x}+1) would cancel to a large relative error, so |x| < 0.625 uses the
// Cephes odd polynomial instead (both are computed; the lane picks one).
@inline function tanhLanes(x: v128): v128 {
  const magnitude = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = madd(p, z, f32x4.splat(2.06390887954e-2));
  p = madd(p, z, f32x4.splat(-5.37397155531e-2));
  p = madd(p, z, f32x4.splat(1.33314422036e-1));
  p = madd(p, z, f32x4.splat(-3.33332819422e-1));
  const nearZero = madd(f32x4.mul(p, z), x, x);
  const one = f32x4.splat(1);
  const large = f32x4.sub(one, f32x4.div(f32x4.splat(2), f32x4.add(expLanes(f32x4.add(magnitude, magnitude)), one)));
  const signed = v128.or(large, v128.and(x, i32x4.splat(<i32>0x80000000)));
  return v128.bitselect(nearZero, signed, f32x4.lt(magnitude, f32x4.splat(0.625)));
}

// Natural log of a sum of exponentials (>= 1, since the row maximum contributes exp(0)). Written out rather
// than Math.log because AssemblyScript's version brings lookup tables as data segments, and this module must
// have none: every thread instantiates it over the same shared memory.
function logOfSum(x: f64): f64 {
  if (!(x > 0) || x == Infinity) return x > 0 ? x : NaN;
  const bits = reinterpret<u64>(x);
  let exponent = <i32>(bits >> 52) - 1023;
  // Mantissa in [1, 2), then folded into [sqrt(1/2), sqrt(2)) so the series argument stays below 0.172.
  let mantissa = reinterpret<f64>((bits & 0x000FFFFFFFFFFFFF) | 0x3FF0000000000000);
  if (mantissa > 1.4142135623730951) {
    mantissa *= 0.5;
    exponent++;
  }
  // log(m) = 2·atanh(s) with s = (m−1)/(m+1); the terms up to s^15 leave an error below 1e-14.
  const s = (mantissa - 1) / (mantissa + 1);
  const s2 = s * s;
  const series = s * (2 + s2 * (2.0 / 3 + s2 * (2.0 / 5 + s2 * (2.0 / 7 + s2 * (2.0 / 9 + s2 * (2.0 / 11 + s2 * (2.0 / 13 + s2 * (2.0 / 15))))))));
  return <f64>exponent * 0.6931471805599453 + series;
}

function rowMax(row: usize, cols: i32): f32 {
  const vecEnd = cols & ~3;
  let maxLanes = f32x4.splat(-Infinity);
  let j = 0;
  for (; j < vecEnd; j += 4) maxLanes = f32x4.pmax(maxLanes, v128.load(row + <usize>j * 4));
  maxLanes = f32x4.pmax(maxLanes, f32x4.shuffle(maxLanes, maxLanes, 2, 3, 0, 1));
  maxLanes = f32x4.pmax(maxLanes, f32x4.shuffle(maxLanes, maxLanes, 1, 0, 3, 2));
  let max = f32x4.extract_lane(maxLanes, 0);
  for (; j < cols; j++) {
    const value = load<f32>(row + <usize>j * 4);
    if (value > max) max = value;
  }
  return max;
}

// Sum of exp(row[j] - shift); with storeExp the row is overwritten by those exponentials.
function sumExp(row: usize, cols: i32, shift: f32, storeExp: bool): f64 {
  const vecEnd = cols & ~3;
  const shiftLanes = f32x4.splat(shift);
  // Two accumulators so consecutive iterations do not wait on one add chain.
  let sum0 = f32x4.splat(0), sum1 = f32x4.splat(0);
  let j = 0;
  for (; j + 8 <= vecEnd; j += 8) {
    const at = row + <usize>j * 4;
    const e0 = expLanes(f32x4.sub(v128.load(at), shiftLanes));
    const e1 = expLanes(f32x4.sub(v128.load(at, 16), shiftLanes));
    if (storeExp) {
      v128.store(at, e0);
      v128.store(at, e1, 16);
    }
    sum0 = f32x4.add(sum0, e0);
    sum1 = f32x4.add(sum1, e1);
  }
  for (; j < vecEnd; j += 4) {
    const at = row + <usize>j * 4;
    const e = expLanes(f32x4.sub(v128.load(at), shiftLanes));
    if (storeExp) v128.store(at, e);
    sum0 = f32x4.add(sum0, e);
  }
  const sums = f32x4.add(sum0, sum1);
  let sum: f64 = <f64>f32x4.extract_lane(sums, 0) + <f64>f32x4.extract_lane(sums, 1)
    + <f64>f32x4.extract_lane(sums, 2) + <f64>f32x4.extract_lane(sums, 3);
  for (; j < cols; j++) {
    const at = row + <usize>j * 4;
    const e = expScalar(load<f32>(at) - shift);
    if (storeExp) store<f32>(at, e);
    sum += <f64>e;
  }
  return sum;
}

function scaleRow(row: usize, cols: i32, factor: f32): void {
  const vecEnd = cols & ~3;
  const factorLanes = f32x4.splat(factor);
  let j = 0;
  for (; j < vecEnd; j += 4) {
    const at = row + <usize>j * 4;
    v128.store(at, f32x4.mul(v128.load(at), factorLanes));
  }
  for (; j < cols; j++) {
    const at = row + <usize>j * 4;
    store<f32>(at, load<f32>(at) * factor);
  }
}

/**
 * Row-wise softmax cross-entropy: logits become scale·(softmax − onehot(target)), rows with target < 0 become 0.
 * Returns the sum over the other rows of −log softmax[target]. Targets must be < cols (checked by the host).
 */
export function softmaxCrossEntropy(logits: usize, targets: usize, rows: i32, cols: i32, scale: f32): f64 {
  let loss: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const row = logits + <usize>r * <usize>cols * 4;
    const target = load<i32>(targets + <usize>r * 4);
    if (target < 0) {
      memory.fill(row, 0, <usize>cols * 4);
      continue;
    }
    const max = rowMax(row, cols);
    const targetAt = row + <usize>target * 4;
    const targetShifted: f64 = <f64>(load<f32>(targetAt) - max);
    const sum = sumExp(row, cols, max, true);
    loss += logOfSum(sum) - targetShifted;
    scaleRow(row, cols, <f32>(<f64>scale / sum));
    store<f32>(targetAt, load<f32>(targetAt) - scale);
  }
  return loss;
}

/** Row-wise log-softmax in place. */
export function logSoftmaxRows(logits: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const row = logits + <usize>r * <usize>cols * 4;
    const max = rowMax(row, cols);
    const logNormalizer = <f32>(<f64>max + logOfSum(sumExp(row, cols, max, false)));
    const vecEnd = cols & ~3;
    const shiftLanes = f32x4.splat(logNormalizer);
    let j = 0;
    for (; j < vecEnd; j += 4) {
      const at = row + <usize>j * 4;
      v128.store(at, f32x4.sub(v128.load(at), shiftLanes));
    }
    for (; j < cols; j++) {
      const at = row + <usize>j * 4;
      store<f32>(at, load<f32>(at) - logNormalizer);
    }
  }
}

/** Sum of squares of x[0..n), accumulated in f64 so million-element gradients keep full precision. */
export function sumSquares(x: usize, n: i32): f64 {
  const vecEnd = n & ~3;
  let sum0 = f64x2.splat(0), sum1 = f64x2.splat(0);
  let i = 0;
  for (; i < vecEnd; i += 4) {
    const v = v128.load(x + <usize>i * 4);
    const low = f64x2.promote_low_f32x4(v);
    const high = f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 2, 3));
    sum0 = f64x2.add(sum0, f64x2.mul(low, low));
    sum1 = f64x2.add(sum1, f64x2.mul(high, high));
  }
  const sums = f64x2.add(sum0, sum1);
  let sum = f64x2.extract_lane(sums, 0) + f64x2.extract_lane(sums, 1);
  for (; i < n; i++) {
    const value = <f64>load<f32>(x + <usize>i * 4);
    sum += value * value;
  }
  return sum;
}

/** x[i] *= s for i < n. */
export function scale(x: usize, s: f32, n: i32): void {
  scaleRow(x, n, s);
}

/** Adam step with bias correction folded into lr; g is left unchanged. */
export function adam(p: usize, g: usize, m: usize, v: usize, n: i32, lr: f32, b1: f32, b2: f32, eps: f32): void {
  const vecEnd = n & ~3;
  const b1Lanes = f32x4.splat(b1), oneMinusB1 = f32x4.splat(1 - b1);
  const b2Lanes = f32x4.splat(b2), oneMinusB2 = f32x4.splat(1 - b2);
  const lrLanes = f32x4.splat(lr), epsLanes = f32x4.splat(eps);
  let i = 0;
  for (; i < vecEnd; i += 4) {
    const at = <usize>i * 4;
    const grad = v128.load(g + at);
    const mNew = f32x4.add(f32x4.mul(b1Lanes, v128.load(m + at)), f32x4.mul(oneMinusB1, grad));
    const vNew = f32x4.add(f32x4.mul(b2Lanes, v128.load(v + at)), f32x4.mul(oneMinusB2, f32x4.mul(grad, grad)));
    v128.store(m + at, mNew);
    v128.store(v + at, vNew);
    const step = f32x4.div(f32x4.mul(lrLanes, mNew), f32x4.add(f32x4.sqrt(vNew), epsLanes));
    v128.store(p + at, f32x4.sub(v128.load(p + at), step));
  }
  for (; i < n; i++) {
    const at = <usize>i * 4;
    const grad = load<f32>(g + at);
    const mNew = b1 * load<f32>(m + at) + (1 - b1) * grad;
    const vNew = b2 * load<f32>(v + at) + (1 - b2) * grad * grad;
    store<f32>(m + at, mNew);
    store<f32>(v + at, vNew);
    store<f32>(p + at, load<f32>(p + at) - lr * mNew / (Mathf.sqrt(vNew) + eps));
  }
}

// Up to four consecutive floats, for the last units of a row whose width is not a multiple of 4: lanes past
// `lanes` read as 0 and are not written.
@inline function loadLanes(ptr: usize, lanes: i32): v128 {
  if (lanes == 4) return v128.load(ptr);
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(ptr));
  if (lanes > 1) v = f32x4.replace_lane(v, 1, load<f32>(ptr, 4));
  if (lanes > 2) v = f32x4.replace_lane(v, 2, load<f32>(ptr, 8));
  return v;
}

@inline function storeLanes(ptr: usize, v: v128, lanes: i32): void {
  if (lanes == 4) {
    v128.store(ptr, v);
    return;
  }
  store<f32>(ptr, f32x4.extract_lane(v, 0));
  if (lanes > 1) store<f32>(ptr, f32x4.extract_lane(v, 1), 4);
  if (lanes > 2) store<f32>(ptr, f32x4.extract_lane(v, 2), 8);
}

// 1 − x, for the derivatives of σ from its cached output.
@inline function oneMinus(x: v128): v128 {
  return f32x4.sub(f32x4.splat(1), x);
}

/**
 * One LSTM time step in the ONNX gate order i, o, f, c (see cells/lstm.ts for the equations): xp, hp are
 * [batch × 4·hidden], cPrev, h, c [batch × hidden], cache [batch × 5·hidden] receives i, o, f, c̃, tanh(c).
 */
export function lstmForward(xp: usize, hp: usize, cPrev: usize, h: usize, c: usize, cache: usize, batch: i32, hidden: i32): void {
  const block = <usize>hidden * 4;
  for (let b = 0; b < batch; b++) {
    const gates = <usize>b * 4 * block;
    const state = <usize>b * block;
    const cached = cache + <usize>b * 5 * block;
    for (let j = 0; j < hidden; j += 4) {
      const lanes = min32(4, hidden - j);
      const at = <usize>j * 4;
      const x = xp + gates + at;
      const r = hp + gates + at;
      const i = sigmoidLanes(f32x4.add(loadLanes(x, lanes), loadLanes(r, lanes)));
      const o = sigmoidLanes(f32x4.add(loadLanes(x + block, lanes), loadLanes(r + block, lanes)));
      const f = sigmoidLanes(f32x4.add(loadLanes(x + 2 * block, lanes), loadLanes(r + 2 * block, lanes)));
      const cTilde = tanhLanes(f32x4.add(loadLanes(x + 3 * block, lanes), loadLanes(r + 3 * block, lanes)));
      const cNew = madd(f, loadLanes(cPrev + state + at, lanes), f32x4.mul(i, cTilde));
      const tanhC = tanhLanes(cNew);
      storeLanes(c + state + at, cNew, lanes);
      storeLanes(h + state + at, f32x4.mul(o, tanhC), lanes);
      const k = cached + at;
      storeLanes(k, i, lanes);
      storeLanes(k + block, o, lanes);
      storeLanes(k + 2 * block, f, lanes);
      storeLanes(k + 3 * block, cTilde, lanes);
      storeLanes(k + 4 * block, tanhC, lanes);
    }
  }
}

/**
 * The LSTM step's gradient from its cache and dh, dc [batch × hidden]: dxp = dhp = the gates' pre-activation
 * gradients [batch × 4·hidden], dcPrev = dc_total ⊙ f, and dhPrev = 0 (h_{t-1} acts only through R).
 */
export function lstmBackward(
  cPrev: usize, cache: usize, dh: usize, dc: usize, dxp: usize, dhp: usize, dhPrev: usize, dcPrev: usize, batch: i32, hidden: i32,
): void {
  const block = <usize>hidden * 4;
  for (let b = 0; b < batch; b++) {
    const gates = <usize>b * 4 * block;
    const state = <usize>b * block;
    const cached = cache + <usize>b * 5 * block;
    for (let j = 0; j < hidden; j += 4) {
      const lanes = min32(4, hidden - j);
      const at = <usize>j * 4;
      const k = cached + at;
      const i = loadLanes(k, lanes);
      const o = loadLanes(k + block, lanes);
      const f = loadLanes(k + 2 * block, lanes);
      const cTilde = loadLanes(k + 3 * block, lanes);
      const tanhC = loadLanes(k + 4 * block, lanes);
      const dhj = loadLanes(dh + state + at, lanes);
      const dcTotal = madd(f32x4.mul(dhj, o), nmadd(tanhC, tanhC, f32x4.splat(1)), loadLanes(dc + state + at, lanes));
      const dPreI = f32x4.mul(f32x4.mul(dcTotal, cTilde), f32x4.mul(i, oneMinus(i)));
      const dPreO = f32x4.mul(f32x4.mul(dhj, tanhC), f32x4.mul(o, oneMinus(o)));
      const dPreF = f32x4.mul(f32x4.mul(dcTotal, loadLanes(cPrev + state + at, lanes)), f32x4.mul(f, oneMinus(f)));
      const dPreC = f32x4.mul(f32x4.mul(dcTotal, i), nmadd(cTilde, cTilde, f32x4.splat(1)));
      const gx = dxp + gates + at;
      const gh = dhp + gates + at;
      storeLanes(gx, dPreI, lanes);
      storeLanes(gh, dPreI, lanes);
      storeLanes(gx + block, dPreO, lanes);
      storeLanes(gh + block, dPreO, lanes);
      storeLanes(gx + 2 * block, dPreF, lanes);
      storeLanes(gh + 2 * block, dPreF, lanes);
      storeLanes(gx + 3 * block, dPreC, lanes);
      storeLanes(gh + 3 * block, dPreC, lanes);
      storeLanes(dcPrev + state + at, f32x4.mul(dcTotal, f), lanes);
      storeLanes(dhPrev + state + at, f32x4.splat(0), lanes);
    }
  }
}

/**
 * One GRU time step in the ONNX gate order z, r, h with linear_before_reset = 1 (see cells/gru.ts): xp, hp are
 * [batch × 3·hidden], hPrev, h [batch × hidden], cache [batch × 4·hidden] receives z, r, h̃ and R_h·h + Rb_h.
 */
export function gruForward(xp: usize, hp: usize, hPrev: usize, h: usize, cache: usize, batch: i32, hidden: i32): void {
  const block = <usize>hidden * 4;
  for (let b = 0; b < batch; b++) {
    const gates = <usize>b * 3 * block;
    const state = <usize>b * block;
    const cached = cache + <usize>b * 4 * block;
    for (let j = 0; j < hidden; j += 4) {
      const lanes = min32(4, hidden - j);
      const at = <usize>j * 4;
      const x = xp + gates + at;
      const r = hp + gates + at;
      const z = sigmoidLanes(f32x4.add(loadLanes(x, lanes), loadLanes(r, lanes)));
      const reset = sigmoidLanes(f32x4.add(loadLanes(x + block, lanes), loadLanes(r + block, lanes)));
      const recurrentH = loadLanes(r + 2 * block, lanes);
      const n = tanhLanes(madd(reset, recurrentH, loadLanes(x + 2 * block, lanes)));
      // (1 − z)·n + z·hPrev = n + z·(hPrev − n)
      storeLanes(h + state + at, madd(z, f32x4.sub(loadLanes(hPrev + state + at, lanes), n), n), lanes);
      const k = cached + at;
      storeLanes(k, z, lanes);
      storeLanes(k + block, reset, lanes);
      storeLanes(k + 2 * block, n, lanes);
      storeLanes(k + 3 * block, recurrentH, lanes);
    }
  }
}

/**
 * The GRU step's gradient from its cache and dh [batch × hidden]: dxp, dhp [batch × 3·hidden] (they differ in
 * the candidate block, where the reset gate scales the recurrent part) and dhPrev = dh ⊙ z, the direct path.
 */
export function gruBackward(hPrev: usize, cache: usize, dh: usize, dxp: usize, dhp: usize, dhPrev: usize, batch: i32, hidden: i32): void {
  const block = <usize>hidden * 4;
  for (let b = 0; b < batch; b++) {
    const gates = <usize>b * 3 * block;
    const state = <usize>b * block;
    const cached = cache + <usize>b * 4 * block;
    for (let j = 0; j < hidden; j += 4) {
      const lanes = min32(4, hidden - j);
      const at = <usize>j * 4;
      const k = cached + at;
      const z = loadLanes(k, lanes);
      const reset = loadLanes(k + block, lanes);
      const n = loadLanes(k + 2 * block, lanes);
      const recurrentH = loadLanes(k + 3 * block, lanes);
      const dhj = loadLanes(dh + state + at, lanes);
      const dPreN = f32x4.mul(f32x4.mul(dhj, oneMinus(z)), nmadd(n, n, f32x4.splat(1)));
      const dPreZ = f32x4.mul(f32x4.mul(dhj, f32x4.sub(loadLanes(hPrev + state + at, lanes), n)), f32x4.mul(z, oneMinus(z)));
      const dPreR = f32x4.mul(f32x4.mul(dPreN, recurrentH), f32x4.mul(reset, oneMinus(reset)));
      const gx = dxp + gates + at;
      const gh = dhp + gates + at;
      storeLanes(gx, dPreZ, lanes);
      storeLanes(gh, dPreZ, lanes);
      storeLanes(gx + block, dPreR, lanes);
      storeLanes(gh + block, dPreR, lanes);
      storeLanes(gx + 2 * block, dPreN, lanes);
      storeLanes(gh + 2 * block, f32x4.mul(dPreN, reset), lanes);
      storeLanes(dhPrev + state + at, f32x4.mul(dhj, z), lanes);
    }
  }
}
