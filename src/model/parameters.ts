import { Kernels } from './kernels/kernels';
import { TensorSpec } from './config';

/** A named view into the flat parameter and gradient arrays. */
export interface Tensor {
  readonly name: string;
  readonly shape: readonly number[];
  /** Offset in floats into ParameterSet.values / .grads. */
  readonly offset: number;
  readonly size: number;
  readonly value: Float32Array;
  readonly grad: Float32Array;
}

/**
 * All parameters live in one Float32Array and all gradients in another with the same layout, so the
 * optimizer, gradient clipping, checkpoints and worker threads each handle one buffer, not dozens.
 */
export class ParameterSet {
  readonly values: Float32Array;
  readonly grads: Float32Array;
  readonly size: number;
  private readonly byName = new Map<string, Tensor>();

  constructor(kernels: Kernels, readonly specs: readonly TensorSpec[]) {
    this.size = specs.reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1), 0);
    this.values = kernels.alloc(this.size);
    this.grads = kernels.alloc(this.size);
    let offset = 0;
    for (const spec of specs) {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      this.byName.set(spec.name, {
        name: spec.name,
        shape: spec.shape,
        offset,
        size,
        value: this.values.subarray(offset, offset + size),
        grad: this.grads.subarray(offset, offset + size),
      });
      offset += size;
    }
  }

  get(name: string): Tensor {
    const tensor = this.byName.get(name);
    if (!tensor) throw new Error(`no parameter named "${name}"`);
    return tensor;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  tensors(): Tensor[] {
    return [...this.byName.values()];
  }

  zeroGrads(): void {
    this.grads.fill(0);
  }
}
