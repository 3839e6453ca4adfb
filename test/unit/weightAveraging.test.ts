import * as assert from 'node:assert/strict';
import { typescriptKernels } from '../../src/model/kernels/kernels';
import { averageTowardsStart } from '../../src/training/weightAveraging';
import { randomModel } from './randomModels';

const kernels = typescriptKernels();

describe('averaging fine-tuned weights towards the base (WiSE-FT)', () => {
  for (const tieWeights of [true, false]) {
    it(`blends every weight, except the rows of words the base did not have (${tieWeights ? 'tied' : 'untied'})`, () => {
      const config = { cell: 'gru' as const, vocabSize: 12, embeddingSize: 4, hiddenSize: 6, layers: 1, tieWeights };
      const start = randomModel(config, 1, kernels).params.values.slice();
      const model = randomModel(config, 2, kernels);
      const fineTuned = model.params.values.slice();
      averageTowardsStart(model.params, start, 0.75, 12, 10);
      let perWordTensors = 0;
      for (const tensor of model.params.tensors()) {
        const rowSize = tensor.size / tensor.shape[0];
        const perWord = tensor.shape[0] === 12;
        if (perWord) perWordTensors++;
        for (let i = 0; i < tensor.size; i++) {
          const at = tensor.offset + i;
          const expected = perWord && i >= 10 * rowSize ? fineTuned[at] : 0.75 * fineTuned[at] + 0.25 * start[at];
          assert.ok(Math.abs(tensor.value[i] - expected) < 1e-6, `${tensor.name}[${i}]`);
        }
      }
      assert.equal(perWordTensors, tieWeights ? 2 : 3, 'embedding and output bias, and the output matrix when untied');
    });
  }

  it('refuses start values of another size', () => {
    const model = randomModel({ cell: 'lstm', vocabSize: 8, embeddingSize: 4, hiddenSize: 4, layers: 1, tieWeights: true }, 1, kernels);
    assert.throws(() => averageTowardsStart(model.params, new Float32Array(3), 0.5, 8, 8), /3 start values/);
  });
});
