import { Kernels } from './kernels/kernels';
import { Random } from './random';

/**
 * Inverted dropout on non-recurrent connections (Zaremba et al. 2014): during training each activation is
 * zeroed with probability p and the survivors are scaled by 1/(1-p), so inference needs no rescaling.
 * It writes to its own buffer: its input is often a layer's state, which backward and the next chunk still
 * need unchanged. The mask is kept for backward, which applies the same scaling to the gradient.
 */
export class Dropout {
  private readonly mask: Float32Array;
  private readonly out: Float32Array;

  constructor(kernels: Kernels, private readonly rate: number, capacity: number) {
    if (!(rate >= 0 && rate < 1)) throw new Error(`dropout rate must be in [0, 1), got ${rate}`);
    this.mask = new Float32Array(rate > 0 ? capacity : 0);
    this.out = kernels.alloc(rate > 0 ? capacity : 0);
  }

  /** Returns x itself when the rate is 0, else a masked copy (a view, valid until the next forward). */
  forward(x: Float32Array, random: Random | undefined): Float32Array {
    if (this.rate === 0 || !random) return x;
    const keep = 1 - this.rate, scale = 1 / keep, n = x.length;
    const out = this.out.subarray(0, n);
    for (let i = 0; i < n; i++) {
      const m = random.next() < keep ? scale : 0;
      this.mask[i] = m;
      out[i] = x[i] * m;
    }
    return out;
  }

  /** Scales the gradient in place by the mask of the last forward. */
  backward(dx: Float32Array): void {
    if (this.rate === 0) return;
    for (let i = 0; i < dx.length; i++) dx[i] *= this.mask[i];
  }
}
