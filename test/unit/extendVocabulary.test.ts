import * as assert from 'node:assert/strict';
import { typescriptKernels } from '../../src/model/kernels/kernels';
import { extendVocabulary } from '../../src/model/extendVocabulary';
import { ModelScorer } from '../../src/evaluation/modelScorer';
import { randomModel, vocabularyOf } from './randomModels';

const kernels = typescriptKernels();

describe('extending the vocabulary of a model', () => {
  for (const tieWeights of [true, false]) {
    it(`keeps every existing id and row, and starts each new word as <unk> with its share of <unk>'s probability (${tieWeights ? 'tied' : 'untied'})`, () => {
      const model = randomModel({ cell: 'lstm', vocabSize: 20, embeddingSize: 6, hiddenSize: 8, layers: 1, tieWeights }, 3, kernels);
      const vocabulary = vocabularyOf(20);
      const { model: extended, vocabulary: words } = extendVocabulary(model, vocabulary, [{ word: 'Frob', count: 3 }, { word: 'quux', count: 1 }], 8);

      assert.equal(words.size, 22);
      assert.equal(extended.config.vocabSize, 22);
      for (let id = 0; id < 20; id++) assert.equal(words.word(id), vocabulary.word(id));
      assert.deepEqual([words.word(20), words.word(21)], ['Frob', 'quux']);
      for (const tensor of model.params.tensors()) {
        assert.deepEqual(extended.params.get(tensor.name).value.subarray(0, tensor.size), tensor.value, `${tensor.name} keeps its rows`);
      }

      // On a text of known words only, the extended model keeps the base model's ranking of every old word and
      // gives each new word <unk>'s log-probability plus log(count / unknown), up to the renormalisation.
      const ids = Int32Array.of(8, 9, 10, 11, 12, 13);
      const rows: Float32Array[] = [], extendedRows: Float32Array[] = [];
      new ModelScorer(model, 1).score(ids, (_p, logProbs) => rows.push(logProbs.slice()));
      new ModelScorer(extended, 1).score(ids, (_p, logProbs) => extendedRows.push(logProbs.slice()));
      rows.forEach((row, p) => {
        const shift = extendedRows[p][8] - row[8];
        for (let id = 0; id < 20; id++) assert.ok(Math.abs(extendedRows[p][id] - row[id] - shift) < 1e-4, `old word ${id} at ${p}`);
        assert.ok(Math.abs(extendedRows[p][20] - (extendedRows[p][0] + Math.log(3 / 8))) < 1e-4, 'Frob: 3 of 8 unknown words');
        assert.ok(Math.abs(extendedRows[p][21] - (extendedRows[p][0] + Math.log(1 / 8))) < 1e-4, 'quux: 1 of 8');
      });
    });
  }

  it('reads a new word exactly as the base model read <unk>', () => {
    const model = randomModel({ cell: 'gru', vocabSize: 20, embeddingSize: 6, hiddenSize: 6, layers: 1, tieWeights: true }, 4, kernels);
    const { model: extended } = extendVocabulary(model, vocabularyOf(20), [{ word: 'Frob', count: 2 }], 2);
    const asUnk: Float32Array[] = [], asNew: Float32Array[] = [];
    new ModelScorer(model, 1).score(Int32Array.of(8, 0, 9, 10), (_p, l) => asUnk.push(l.slice(0, 20)));
    new ModelScorer(extended, 1).score(Int32Array.of(8, 20, 9, 10), (_p, l) => asNew.push(l.slice(0, 20)));
    // Same hidden states, so the same distribution over the old words after renormalising them among themselves.
    asUnk.forEach((row, p) => {
      const shift = asNew[p][8] - row[8];
      for (let id = 0; id < 20; id++) assert.ok(Math.abs(asNew[p][id] - row[id] - shift) < 1e-4, `position ${p}, id ${id}`);
    });
  });
});
