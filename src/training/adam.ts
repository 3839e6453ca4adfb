import { Kernels } from '../model/kernels/kernels';
import { ParameterSet } from '../model/parameters';

export interface AdamOptions {
  beta1: number;
  beta2: number;
  epsilon: number;
}

export const DEFAULT_ADAM: AdamOptions = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

/**
 * Adam (Kingma & Ba 2015) over the whole flat parameter array:
 *   m ← β1·m + (1-β1)·g,   v ← β2·v + (1-β2)·g²,   θ ← θ - lr·√(1-β2ᵗ)/(1-β1ᵗ) · m / (√v + ε)
 * The bias correction is folded into the step size, so the kernel is one fused SIMD loop.
 */
export class Adam {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private t = 0;

  constructor(private readonly kernels: Kernels, private readonly params: ParameterSet, private readonly options = DEFAULT_ADAM) {
    this.m = kernels.alloc(params.size);
    this.v = kernels.alloc(params.size);
  }

  step(learningRate: number): void {
    this.t++;
    const { beta1, beta2, epsilon } = this.options;
    const corrected = learningRate * Math.sqrt(1 - beta2 ** this.t) / (1 - beta1 ** this.t);
    this.kernels.adam(this.params.values, this.params.grads, this.m, this.v, this.params.size, corrected, beta1, beta2, epsilon);
  }
}

/** Scales all gradients so that their global L2 norm is at most maxNorm (Pascanu et al. 2013). Returns the norm before. */
export function clipGradientNorm(kernels: Kernels, params: ParameterSet, maxNorm: number): number {
  const norm = Math.sqrt(kernels.sumSquares(params.grads, params.size));
  if (norm > maxNorm) kernels.scale(params.grads, maxNorm / norm, params.size);
  return norm;
}
