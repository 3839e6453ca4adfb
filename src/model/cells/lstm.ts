import type { Kernels } from '../kernels/kernels';
import { CellGradients, CellStep, RecurrentCell, sigmoid } from './cell';

/**
 * Long short-term memory (Hochreiter & Schmidhuber 1997), in the ONNX gate order i, o, f, c:
 *
 *   i_t = σ(W_i x_t + R_i h_{t-1} + b_i)        input gate
 *   o_t = σ(W_o x_t + R_o h_{t-1} + b_o)        output gate
 *   f_t = σ(W_f x_t + R_f h_{t-1} + b_f)        forget gate
 *   c̃_t = tanh(W_c x_t + R_c h_{t-1} + b_c)     candidate
 *   c_t = f_t ⊙ c_{t-1} + i_t ⊙ c̃_t
 *   h_t = o_t ⊙ tanh(c_t)
 *
 * The additive path through c_t is what keeps gradients from vanishing over long spans.
 * Cache per unit: i, o, f, c̃, tanh(c_t).
 */
const I = 0, O = 1, F = 2, C = 3, TANH_C = 4;

export const lstmCell: RecurrentCell = {
  gateCount: 4,
  stateNames: ['h', 'c'],
  cacheWidth: 5,
  onnxOperator: 'LSTM',

  forward({ batch, hidden: H, xp, hp, prev, next, cache }: CellStep): void {
    const [, cPrev] = prev;
    const [h, c] = next;
    for (let b = 0; b < batch; b++) {
      const g = b * 4 * H, s = b * H, k = b * 5 * H;
      for (let j = 0; j < H; j++) {
        const i = sigmoid(xp[g + j] + hp[g + j]);
        const o = sigmoid(xp[g + H + j] + hp[g + H + j]);
        const f = sigmoid(xp[g + 2 * H + j] + hp[g + 2 * H + j]);
        const cTilde = Math.tanh(xp[g + 3 * H + j] + hp[g + 3 * H + j]);
        const cNew = f * cPrev[s + j] + i * cTilde;
        const tanhC = Math.tanh(cNew);
        c[s + j] = cNew;
        h[s + j] = o * tanhC;
        cache[k + I * H + j] = i;
        cache[k + O * H + j] = o;
        cache[k + F * H + j] = f;
        cache[k + C * H + j] = cTilde;
        cache[k + TANH_C * H + j] = tanhC;
      }
    }
  },

  /**
   *   dc_t(total) = dc_t + dh_t ⊙ o_t ⊙ (1 - tanh²c_t)
   *   do = dh_t ⊙ tanh c_t          d(pre_o) = do ⊙ o(1-o)
   *   di = dc ⊙ c̃_t                 d(pre_i) = di ⊙ i(1-i)
   *   df = dc ⊙ c_{t-1}             d(pre_f) = df ⊙ f(1-f)
   *   dc̃ = dc ⊙ i_t                 d(pre_c) = dc̃ ⊙ (1 - c̃²)
   *   dc_{t-1} = dc ⊙ f_t;  the pre-activation gradient flows to both xp and hp unchanged.
   */
  backward({ batch, hidden: H, prev, cache, dNext, dxp, dhp, dPrev }: CellGradients): void {
    const [, cPrev] = prev;
    const [dh, dc] = dNext;
    const [dhPrev, dcPrev] = dPrev;
    for (let b = 0; b < batch; b++) {
      const g = b * 4 * H, s = b * H, k = b * 5 * H;
      for (let j = 0; j < H; j++) {
        const i = cache[k + I * H + j];
        const o = cache[k + O * H + j];
        const f = cache[k + F * H + j];
        const cTilde = cache[k + C * H + j];
        const tanhC = cache[k + TANH_C * H + j];
        const dhj = dh[s + j];
        const dcTotal = dc[s + j] + dhj * o * (1 - tanhC * tanhC);
        const dPreI = dcTotal * cTilde * i * (1 - i);
        const dPreO = dhj * tanhC * o * (1 - o);
        const dPreF = dcTotal * cPrev[s + j] * f * (1 - f);
        const dPreC = dcTotal * i * (1 - cTilde * cTilde);
        dxp[g + j] = dhp[g + j] = dPreI;
        dxp[g + H + j] = dhp[g + H + j] = dPreO;
        dxp[g + 2 * H + j] = dhp[g + 2 * H + j] = dPreF;
        dxp[g + 3 * H + j] = dhp[g + 3 * H + j] = dPreC;
        dcPrev[s + j] = dcTotal * f;
        dhPrev[s + j] = 0; // h_{t-1} reaches the loss only through R h_{t-1}, which the layer adds.
      }
    }
  },

  forwardWith(kernels: Kernels, { batch, hidden, xp, hp, prev, next, cache }: CellStep): void {
    kernels.lstmForward(xp, hp, prev[1], next[0], next[1], cache, batch, hidden);
  },

  backwardWith(kernels: Kernels, { batch, hidden, prev, cache, dNext, dxp, dhp, dPrev }: CellGradients): void {
    kernels.lstmBackward(prev[1], cache, dNext[0], dNext[1], dxp, dhp, dPrev[0], dPrev[1], batch, hidden);
  },

  initBias(bias: Float32Array, H: number): void {
    // A forget-gate bias of 1 lets the cell remember by default early in training (Jozefowicz et al. 2015).
    bias.fill(1, 2 * H, 3 * H);
  },
};
