import type { Kernels } from '../kernels/kernels';
import { CellGradients, CellStep, RecurrentCell } from './cell';

/**
 * The plain (Elman) recurrent cell the gated cells improve on:
 *
 *   h_t = tanh(W x_t + U h_{t-1} + b)        (ONNX names U "R"; b = Wb + Rb)
 *
 * Its gradient through h_{t-1} is multiplied by U and tanh' at every step, so it vanishes (or explodes) over
 * long spans: the reason the product ships LSTM and GRU. Kept as the baseline cell and the simplest example
 * of the RecurrentCell contract. Cache per unit: h_t.
 */
export const rnnCell: RecurrentCell = {
  gateCount: 1,
  stateNames: ['h'],
  cacheWidth: 1,
  onnxOperator: 'RNN',

  forward({ batch, hidden: H, xp, hp, next, cache }: CellStep): void {
    const [h] = next;
    for (let s = 0; s < batch * H; s++) {
      h[s] = cache[s] = Math.tanh(xp[s] + hp[s]);
    }
  },

  /** d(pre) = dh ⊙ (1 - h_t²), to both xp and hp; no direct path to h_{t-1}. */
  backward({ batch, hidden: H, cache, dNext, dxp, dhp, dPrev }: CellGradients): void {
    const [dh] = dNext;
    const [dhPrev] = dPrev;
    for (let s = 0; s < batch * H; s++) {
      const h = cache[s];
      dxp[s] = dhp[s] = dh[s] * (1 - h * h);
      dhPrev[s] = 0;
    }
  },

  // No kernel of its own: the plain loops are the cell's only implementation.
  forwardWith(_kernels: Kernels, step: CellStep): void {
    rnnCell.forward(step);
  },

  backwardWith(_kernels: Kernels, step: CellGradients): void {
    rnnCell.backward(step);
  },

  initBias(): void {},
};
