import { checkCellArrays, checkCount, checkGemm, checkLength, checkRows, checkTargets } from './argumentChecks';
import type { Kernels } from './kernels';
import { gruCell } from '../cells/gru';
import { lstmCell } from '../cells/lstm';

/** Stands for arrays a cell's step does not read (LSTM forward never reads h_{t-1}: R·h_{t-1} is in hp). */
const UNUSED = new Float32Array(0);

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

    // The cell steps run the cells' own equations (src/model/cells), which the wasm kernels are tested against.
    lstmForward(xp, hp, cPrev, h, c, cache, batch, H): void {
      checkCellArrays('lstmForward', batch, H, [['xp', xp, 4], ['hp', hp, 4], ['cPrev', cPrev, 1], ['h', h, 1], ['c', c, 1], ['cache', cache, 5]]);
      lstmCell.forward({ batch, hidden: H, xp, hp, prev: [UNUSED, cPrev], next: [h, c], cache });
    },

    lstmBackward(cPrev, cache, dh, dc, dxp, dhp, dhPrev, dcPrev, batch, H): void {
      checkCellArrays('lstmBackward', batch, H, [
        ['cPrev', cPrev, 1], ['cache', cache, 5], ['dh', dh, 1], ['dc', dc, 1], ['dxp', dxp, 4], ['dhp', dhp, 4], ['dhPrev', dhPrev, 1], ['dcPrev', dcPrev, 1],
      ]);
      lstmCell.backward({ batch, hidden: H, xp: UNUSED, hp: UNUSED, prev: [UNUSED, cPrev], next: [UNUSED, UNUSED], cache, dNext: [dh, dc], dxp, dhp, dPrev: [dhPrev, dcPrev] });
    },

    gruForward(xp, hp, hPrev, h, cache, batch, H): void {
      checkCellArrays('gruForward', batch, H, [['xp', xp, 3], ['hp', hp, 3], ['hPrev', hPrev, 1], ['h', h, 1], ['cache', cache, 4]]);
      gruCell.forward({ batch, hidden: H, xp, hp, prev: [hPrev], next: [h], cache });
    },

    gruBackward(hPrev, cache, dh, dxp, dhp, dhPrev, batch, H): void {
      checkCellArrays('gruBackward', batch, H, [['hPrev', hPrev, 1], ['cache', cache, 4], ['dh', dh, 1], ['dxp', dxp, 3], ['dhp', dhp, 3], ['dhPrev', dhPrev, 1]]);
      gruCell.backward({ batch, hidden: H, xp: UNUSED, hp: UNUSED, prev: [hPrev], next: [UNUSED], cache, dNext: [dh], dxp, dhp, dPrev: [dhPrev] });
    },

    dispose(): void {},
  };
}

function rowMax(row: Float32Array): number {
  let max = -Infinity;
  for (const value of row) if (value > max) max = value;
  return max;
}
