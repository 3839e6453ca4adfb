// Shape checks shared by both implementations, so a caller's mistake fails the same way on each of them
// instead of the wasm kernels silently reading or writing neighbouring arrays.

export function checkCount(what: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative integer, got ${value}`);
}

export function checkLength(what: string, array: ArrayLike<number>, needed: number): void {
  if (array.length < needed) throw new RangeError(`${what} has ${array.length} elements but ${needed} are needed`);
}

export function checkGemm(M: number, N: number, K: number, A: Float32Array, B: Float32Array, C: Float32Array, beta: number): void {
  checkCount('gemm M', M);
  checkCount('gemm N', N);
  checkCount('gemm K', K);
  if (beta !== 0 && beta !== 1) throw new RangeError(`gemm beta must be 0 or 1, got ${beta}`);
  checkLength('gemm A', A, M * K);
  checkLength('gemm B', B, K * N);
  checkLength('gemm C', C, M * N);
}

export function checkRows(what: string, matrix: Float32Array, rows: number, cols: number): void {
  checkCount(`${what} rows`, rows);
  checkCount(`${what} cols`, cols);
  checkLength(what, matrix, rows * cols);
}

export function checkTargets(targets: Int32Array, rows: number, cols: number): void {
  checkLength('softmaxCrossEntropy targets', targets, rows);
  for (let r = 0; r < rows; r++) {
    if (targets[r] >= cols) throw new RangeError(`softmaxCrossEntropy target ${targets[r]} of row ${r} is not below cols = ${cols}`);
  }
}

/** Checks that each array holds at least batch × (its width in hidden-wide blocks) × hidden floats. */
export function checkCellArrays(what: string, batch: number, hidden: number, arrays: ReadonlyArray<readonly [string, Float32Array, number]>): void {
  checkCount(`${what} batch`, batch);
  checkCount(`${what} hidden`, hidden);
  for (const [name, array, blocks] of arrays) checkLength(`${what} ${name}`, array, batch * blocks * hidden);
}
