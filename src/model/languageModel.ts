import { Kernels } from './kernels/kernels';
import { CELLS } from './cells';
import { ModelConfig, parameterSpecs, validateConfig } from './config';
import { ParameterSet } from './parameters';
import { Random } from './random';

/** A model's shapes and its parameters; the buffers for running it belong to a Network. */
export class LanguageModel {
  readonly params: ParameterSet;

  constructor(readonly config: ModelConfig, readonly kernels: Kernels) {
    validateConfig(config);
    this.params = new ParameterSet(kernels, parameterSpecs(config));
  }

  /**
   * Uniform initialisation: ±0.1 for the embedding (small, since it is also the tied output matrix),
   * ±1/√H for recurrent and output matrices (keeps pre-activations O(1) whatever the width), biases zero
   * except where the cell asks otherwise (the LSTM forget gate).
   */
  initialize(seed: number): void {
    const random = new Random(seed);
    const { hiddenSize: H } = this.config;
    const cell = CELLS[this.config.cell];
    for (const tensor of this.params.tensors()) {
      const v = tensor.value;
      if (tensor.name === 'embedding') {
        for (let i = 0; i < v.length; i++) v[i] = random.uniform(0.1);
      } else if (tensor.name.endsWith('.B') || tensor.name === 'output.b') {
        v.fill(0);
        if (tensor.name.endsWith('.B')) cell.initBias(v, H);
      } else {
        const limit = 1 / Math.sqrt(tensor.shape[1]);
        for (let i = 0; i < v.length; i++) v[i] = random.uniform(limit);
      }
    }
  }
}

export function createModel(config: ModelConfig, kernels: Kernels, seed: number): LanguageModel {
  const model = new LanguageModel(config, kernels);
  model.initialize(seed);
  return model;
}
