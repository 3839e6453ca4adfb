import type { Kernels } from '../kernels/kernels';
import { CellGradients, CellStep, RecurrentCell, sigmoid } from './cell';

/**
 * Gated recurrent unit (Cho et al. 2014), in the ONNX gate order z, r, h with linear_before_reset = 1
 * (the form PyTorch and cuDNN use: the reset gate scales the recurrent product, bias included):
 *
 *   z_t = σ(W_z x_t + R_z h_{t-1} + Wb_z + Rb_z)            update gate
 *   r_t = σ(W_r x_t + R_r h_{t-1} + Wb_r + Rb_r)            reset gate
 *   h̃_t = tanh(W_h x_t + Wb_h + r_t ⊙ (R_h h_{t-1} + Rb_h))  candidate
 *   h_t = (1 - z_t) ⊙ h̃_t + z_t ⊙ h_{t-1}
 *
 * Cache per unit: z, r, h̃, and R_h h_{t-1} + Rb_h (needed for dr).
 */
const Z = 0, R = 1, N = 2, HP_H = 3;

export const gruCell: RecurrentCell = {
  gateCount: 3,
  stateNames: ['h'],
  cacheWidth: 4,
  onnxOperator: 'GRU',

  forward({ batch, hidden: H, xp, hp, prev, next, cache }: CellStep): void {
    const [hPrev] = prev;
    const [h] = next;
    for (let b = 0; b < batch; b++) {
      const g = b * 3 * H, s = b * H, k = b * 4 * H;
      for (let j = 0; j < H; j++) {
        const z = sigmoid(xp[g + j] + hp[g + j]);
        const r = sigmoid(xp[g + H + j] + hp[g + H + j]);
        const recurrentH = hp[g + 2 * H + j];
        const n = Math.tanh(xp[g + 2 * H + j] + r * recurrentH);
        h[s + j] = (1 - z) * n + z * hPrev[s + j];
        cache[k + Z * H + j] = z;
        cache[k + R * H + j] = r;
        cache[k + N * H + j] = n;
        cache[k + HP_H * H + j] = recurrentH;
      }
    }
  },

  /**
   *   dh̃ = dh ⊙ (1 - z)             d(pre_h) = dh̃ ⊙ (1 - h̃²)   → xp_h gets d(pre_h), hp_h gets d(pre_h) ⊙ r
   *   dz = dh ⊙ (h_{t-1} - h̃)       d(pre_z) = dz ⊙ z(1-z)
   *   dr = d(pre_h) ⊙ (R_h h + Rb_h) d(pre_r) = dr ⊙ r(1-r)
   *   dh_{t-1} (direct) = dh ⊙ z
   */
  backward({ batch, hidden: H, prev, cache, dNext, dxp, dhp, dPrev }: CellGradients): void {
    const [hPrev] = prev;
    const [dh] = dNext;
    const [dhPrev] = dPrev;
    for (let b = 0; b < batch; b++) {
      const g = b * 3 * H, s = b * H, k = b * 4 * H;
      for (let j = 0; j < H; j++) {
        const z = cache[k + Z * H + j];
        const r = cache[k + R * H + j];
        const n = cache[k + N * H + j];
        const recurrentH = cache[k + HP_H * H + j];
        const dhj = dh[s + j];
        const dPreN = dhj * (1 - z) * (1 - n * n);
        const dPreZ = dhj * (hPrev[s + j] - n) * z * (1 - z);
        const dPreR = dPreN * recurrentH * r * (1 - r);
        dxp[g + j] = dhp[g + j] = dPreZ;
        dxp[g + H + j] = dhp[g + H + j] = dPreR;
        dxp[g + 2 * H + j] = dPreN;
        dhp[g + 2 * H + j] = dPreN * r;
        dhPrev[s + j] = dhj * z;
      }
    }
  },

  forwardWith(kernels: Kernels, { batch, hidden, xp, hp, prev, next, cache }: CellStep): void {
    kernels.gruForward(xp, hp, prev[0], next[0], cache, batch, hidden);
  },

  backwardWith(kernels: Kernels, { batch, hidden, prev, cache, dNext, dxp, dhp, dPrev }: CellGradients): void {
    kernels.gruBackward(prev[0], cache, dNext[0], dxp, dhp, dPrev[0], batch, hidden);
  },

  initBias(): void {
    // Zero biases: z starts at 0.5, an even mix of old state and candidate.
  },
};
