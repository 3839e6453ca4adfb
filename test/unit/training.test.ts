import * as assert from 'node:assert/strict';
import { CellType } from '../../src/model/cells';
import { typescriptKernels } from '../../src/model/kernels/typescriptKernels';
import { createModel } from '../../src/model/languageModel';
import { encodeDocument, encodeStream, wordCandidates } from '../../src/model/encoding';
import { measureLanguage } from '../../src/evaluation/languageMeasures';
import { ModelScorer } from '../../src/evaluation/modelScorer';
import { countTokens, Vocabulary } from '../../src/model/vocabulary';
import { Random } from '../../src/model/random';
import { StreamBatcher } from '../../src/training/batcher';
import { DEFAULT_TRAIN_OPTIONS, train, TrainOptions } from '../../src/training/trainer';

const TEXT = 'the cat sat on the mat. the dog ran to the park. a bird sang in the tree and the cat slept.\n';
const kernels = typescriptKernels();

function tinyCorpus() {
  const documents = [TEXT.repeat(8)];
  const vocabulary = Vocabulary.build(countTokens(documents), { minCount: 1, maxSize: 100 });
  return { vocabulary, tokens: encodeStream(documents, vocabulary) };
}

const OPTIONS: TrainOptions = {
  ...DEFAULT_TRAIN_OPTIONS,
  batch: 2, steps: 12, learningRate: 2e-2, warmupSteps: 5, dropout: 0, maxEpochs: 60, patience: 100, decay: 1, seed: 4,
};

describe('training', () => {
  for (const cell of ['lstm', 'gru'] as CellType[]) {
    it(`${cell}: overfits a tiny corpus to near-zero loss`, async function () {
      this.timeout(60_000);
      const { vocabulary, tokens } = tinyCorpus();
      const model = createModel({ cell, vocabSize: vocabulary.size, embeddingSize: 16, hiddenSize: 32, layers: 1, tieWeights: false }, kernels, 1);
      const result = await train(model, tokens, tokens, OPTIONS);
      // Measured as one document with the whole text as context (the validator's short parallel streams
      // restart without context, which leaves an entropy floor this tiny text cannot get below).
      const document = encodeDocument(TEXT.repeat(8), vocabulary);
      const { perplexity } = measureLanguage([document], new ModelScorer(model, vocabulary.eosId), wordCandidates(vocabulary), vocabulary.unkId);
      const first = result.history[0].validLoss, last = Math.log(perplexity);
      console.log(`      ${cell}: loss ${first.toFixed(3)} (first validation) → ${last.toFixed(4)} nats/token in ${result.steps} steps`);
      assert.ok(last < 0.05, `final loss ${last}`);
      assert.ok(first > 1, `the first validation should still be far from zero (${first})`);
    });
  }

  it('is reproducible: the same seed gives bit-identical weights, another seed different ones', async () => {
    const { vocabulary, tokens } = tinyCorpus();
    const run = async (seed: number) => {
      const model = createModel({ cell: 'lstm', vocabSize: vocabulary.size, embeddingSize: 8, hiddenSize: 12, layers: 2, tieWeights: true }, kernels, seed);
      await train(model, tokens, tokens, { ...OPTIONS, maxEpochs: 2, dropout: 0.2, seed });
      return Buffer.from(model.params.values.buffer, model.params.values.byteOffset, model.params.size * 4);
    };
    const a = await run(9), b = await run(9), c = await run(10);
    assert.ok(a.equals(b), 'same seed, same weights');
    assert.ok(!a.equals(c), 'another seed, other weights');
  });

  it('stops partway through an epoch when asked for a fraction of one', async () => {
    const { vocabulary, tokens } = tinyCorpus();
    const model = createModel({ cell: 'lstm', vocabSize: vocabulary.size, embeddingSize: 8, hiddenSize: 8, layers: 1, tieWeights: true }, kernels, 1);
    const chunks = new StreamBatcher(tokens, OPTIONS.batch, OPTIONS.steps).chunksPerEpoch();
    const result = await train(model, tokens, tokens, { ...OPTIONS, maxEpochs: 1.5, cooldown: 0.3 });
    assert.equal(result.steps, Math.round(1.5 * chunks));
    assert.equal(result.stoppedBy, 'max-epochs');
  });

  it('continues where an earlier run stopped: the batcher skips the chunks it saw, the same chunks follow', () => {
    const { tokens } = tinyCorpus();
    const batcher = new StreamBatcher(tokens, 2, 5);
    const chunks = (firstChunk: number) => {
      const seen: number[][] = [];
      for (const steps of batcher.epoch(new Random(3), firstChunk)) seen.push([...batcher.inputs.subarray(0, steps * 2)]);
      return seen;
    };
    const all = chunks(0);
    assert.ok(all.length > 4);
    assert.deepEqual(chunks(3), all.slice(3));
  });

  it('a continued run trains its planned share of an epoch from its start step on', async () => {
    const { vocabulary, tokens } = tinyCorpus();
    const model = createModel({ cell: 'lstm', vocabSize: vocabulary.size, embeddingSize: 8, hiddenSize: 8, layers: 1, tieWeights: true }, kernels, 1);
    const chunks = new StreamBatcher(tokens, OPTIONS.batch, OPTIONS.steps).chunksPerEpoch();
    const result = await train(model, tokens, tokens, { ...OPTIONS, maxEpochs: 0.5, startStep: chunks - 2 });
    assert.equal(result.steps, Math.round(0.5 * chunks), 'the two chunks left of the first epoch, then the second one');
  });

  it('a run continued past its first epoch goes on in the epoch where the earlier run stopped', async () => {
    const { vocabulary, tokens } = tinyCorpus();
    const model = createModel({ cell: 'lstm', vocabSize: vocabulary.size, embeddingSize: 8, hiddenSize: 8, layers: 1, tieWeights: true }, kernels, 1);
    const chunks = new StreamBatcher(tokens, OPTIONS.batch, OPTIONS.steps).chunksPerEpoch();
    const epochs = new Set<number>();
    await train(model, tokens, tokens, { ...OPTIONS, maxEpochs: 0.5, startStep: 2 * chunks - 2 }, { progressInterval: 0, onProgress: (p) => epochs.add(p.epoch) });
    assert.deepEqual([...epochs], [1, 2], 'the last two chunks of the second epoch, then the third');
  });

  it('stops at once when cancelled and keeps the weights of its best validation', async () => {
    const { vocabulary, tokens } = tinyCorpus();
    const model = createModel({ cell: 'gru', vocabSize: vocabulary.size, embeddingSize: 8, hiddenSize: 8, layers: 1, tieWeights: false }, kernels, 1);
    let checks = 0;
    const result = await train(model, tokens, tokens, { ...OPTIONS, validateEvery: 3 }, { isCancelled: () => ++checks > 7 });
    assert.equal(result.stoppedBy, 'cancelled');
    assert.equal(result.steps, 7);
    assert.equal(result.history.length, 2, 'validations at steps 3 and 6, none added on cancel');
  });
});
