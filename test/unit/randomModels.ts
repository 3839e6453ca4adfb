import { ModelConfig } from '../../src/model/config';
import { Kernels } from '../../src/model/kernels/kernels';
import { createModel, LanguageModel } from '../../src/model/languageModel';
import { Random } from '../../src/model/random';
import { Vocabulary } from '../../src/model/vocabulary';

/** A model with weights well away from the initialisation's small values, so that every gate and bias matters. */
export function randomModel(config: ModelConfig, seed: number, kernels: Kernels): LanguageModel {
  const model = createModel(config, kernels, seed);
  const random = new Random(seed + 1000);
  for (const tensor of model.params.tensors()) {
    const limit = tensor.shape.length === 1 ? 0.5 : tensor.name === 'embedding' ? 1 : 1.5 / Math.sqrt(tensor.shape[1]);
    for (let i = 0; i < tensor.size; i++) tensor.value[i] = random.uniform(limit);
  }
  return model;
}

/** A vocabulary of `size` entries (reserved ones included) of made-up words. */
export function vocabularyOf(size: number): Vocabulary {
  return Vocabulary.build(new Map(Array.from({ length: size }, (_, i) => [`w${i}`, size - i])), { minCount: 1, maxSize: size });
}
