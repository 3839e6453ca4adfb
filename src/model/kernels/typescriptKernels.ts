import { checkCount, checkGemm, checkLength, checkRows, checkTargets } from './argumentChecks';
import type { Kernels } from './kernels';

/**
 * The reference the wasm kernels are tested against: plain loops, sums in float64, written for clarity.
 * Also the fallback where WebAssembly SIMD is unavailable.
 */
export function typescriptKernels(): Kernels {
  return {
    name: 'typescript',
    description: 'typescript reference',

    alloc(n: number): Float32Array {
      checkCount('alloc n', n);
      return new Float32Array(n);
    },

    gemm(transA, transB, M, N, K, A, B, C, beta): void {
      checkGemm(M, N, K, A, B, C, beta);
      // op(A)[i][k] = A[i*aRowStride + k*aColStride]; op(B)[k][j] = B[k*bRowStride + j*bColStride].
      const aRowStride = transA ? 1 : K;
      const aColStride = transA ? M : 1;
      const bRowStride = transB ? 1 : N;
      const bColStride = transB ? K : 1;
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          let sum = 0;
          for (let k = 0; k < K; k++) sum += A[i * aRowStride + k * aColStride] * B[k * bRowStride + j * bColStride];
          C[i * N + j] = beta === 1 ? C[i * N + j] + sum : sum;
        }
      }
    },

    addBiasRows(y, bias, rows, cols): void {
      checkRows('addBiasRows y', y, rows, cols);
      checkLength('addBiasRows bias', bias, cols);
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < cols; j++) y[r * cols + j] += bias[j];
      }
    },

    sumRowsInto(biasGrad, dy, rows, cols): void {
      checkRows('sumRowsInto dy', dy, rows, cols);
      checkLength('sumRowsInto biasGrad', biasGrad, cols);
      for (let j = 0; j < cols; j++) {
        let sum = 0;
        for (let r = 0; r < rows; r++) sum += dy[r * cols + j];
        biasGrad[j] += sum;
      }
    },

    softmaxCrossEntropy(logits, targets, rows, cols, scale): number {
      checkRows('softmaxCrossEntropy logits', logits, rows, cols);
      checkTargets(targets, rows, cols);
      let loss = 0;
      for (let r = 0; r < rows; r++) {
        const row = logits.subarray(r * cols, (r + 1) * cols);
        const target = targets[r];
        if (target < 0) {
          row.fill(0);
          continue;
        }
        const max = rowMax(row);
        let sum = 0;
        for (let j = 0; j < cols; j++) sum += Math.exp(row[j] - max);
        loss += Math.log(sum) - (row[target] - max);
        for (let j = 0; j < cols; j++) row[j] = (scale * Math.exp(row[j] - max)) / sum;
        row[target] -= scale;
      }
      return loss;
    },

    logSoftmaxRows(logits, rows, cols): void {
      checkRows('logSoftmaxRows logits', logits, rows, cols);
      for (let r = 0; r < rows; r++) {
        const row = logits.subarray(r * cols, (r + 1) * cols);
        const max = rowMax(row);
        let sum = 0;
        for (let j = 0; j < cols; j++) sum += Math.exp(row[j] - max);
        const logNormalizer = max + Math.log(sum);
        for (let j = 0; j < cols; j++) row[j] -= logNormalizer;
      }
    },

    sumSquares(x, n): number {
      checkCount('sumSquares n', n);
      checkLength('sumSquares x', x, n);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += x[i] * x[i];
      return sum;
    },

    scale(x, s, n): void {
      checkCount('scale n', n);
      checkLength('scale x', x, n);
      for (let i = 0; i < n; i++) x[i] *= s;
    },

    adam(p, g, m, v, n, lr, b1, b2, eps): void {
      checkCount('adam n', n);
      for (const [what, array] of [['p', p], ['g', g], ['m', m], ['v', v]] as const) checkLength(`adam ${what}`, array, n);
      for (let i = 0; i < n; i++) {
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        p[i] -= (lr * m[i]) / (Math.sqrt(v[i]) + eps);
      }
    },

    dispose(): void {},
  };
}

function rowMax(row: Float32Array): number {
  let max = -Infinity;
  for (const value of row) if (value > max) max = value;
  return max;
}
