import { ParameterSet } from '../model/parameters';

/**
 * Weight-space ensembling of a fine-tuned model with the weights it started from (WiSE-FT, Wortsman et al. 2022):
 *
 *   theta = alpha theta_fine-tuned + (1 - alpha) theta_start
 *
 * Minutes of training on one workspace pull the network towards that workspace's habits ("an a" -> "ttacker" in a
 * folder of security READMEs); part of the way back keeps what it learnt and what the base knew about English.
 * Rows of per-word tensors from `firstNewRow` on belong to words the base did not have (their start is a copy of
 * <unk>'s row): they keep their fine-tuned values.
 */
export function averageTowardsStart(params: ParameterSet, start: Float32Array, alpha: number, vocabSize: number, firstNewRow: number): void {
  if (start.length !== params.size) throw new RangeError(`averageTowardsStart: ${start.length} start values for ${params.size} parameters`);
  for (const tensor of params.tensors()) {
    const perWord = tensor.shape[0] === vocabSize;
    const rowSize = tensor.size / tensor.shape[0];
    const end = perWord ? firstNewRow * rowSize : tensor.size;
    for (let i = 0; i < end; i++) tensor.value[i] = alpha * tensor.value[i] + (1 - alpha) * start[tensor.offset + i];
  }
}
