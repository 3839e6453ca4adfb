import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KneserNeyTrigram } from '../../src/baseline/kneserNey';
import { chooseInterpolationWeight, interpolatedPerplexity, perplexityOf } from '../../src/evaluation/interpolation';
import { createRuntime } from '../../src/inference/createRuntime';
import { encodeDocument } from '../../src/model/encoding';
import { ModelFormatError, readManifest, updateManifest } from '../../src/model/modelFiles';
import { Vocabulary } from '../../src/model/vocabulary';
import { KneserNeyPredictor } from '../../src/suggestion/kneserNeyPredictor';
import { loadSuggestionEngine } from '../../src/suggestion/loadEngine';
import { MixturePredictor } from '../../src/suggestion/mixturePredictor';
import { RuntimePredictor } from '../../src/suggestion/runtimePredictor';
import { tinyBaseModel, WORKSPACE_SENTENCES } from './finetuneFixtures';

/** log(lambda e^a + (1 - lambda) e^b) in doubles, the definition the predictor's shortcuts must agree with. */
const mixed = (a: number, b: number, lambda: number) => Math.log(lambda * Math.exp(a) + (1 - lambda) * Math.exp(b));

function assertRowsMix(actual: Float32Array, model: Float32Array, ngram: Float32Array, lambda: number, what: string): void {
  let worst = 0, mass = 0;
  for (let w = 0; w < actual.length; w++) {
    worst = Math.max(worst, Math.abs(actual[w] - mixed(model[w], ngram[w], lambda)));
    mass += Math.exp(actual[w]);
  }
  assert.ok(worst < 1e-4, `${what}: off by ${worst} in log-probability`);
  assert.ok(Math.abs(mass - 1) < 1e-3, `${what}: sums to ${mass}`);
}

describe('the model interpolated with the workspace trigram', () => {
  it('gives lambda P_model + (1 - lambda) P_trigram for every token, after a context and for each row of a batch', async () => {
    const directory = await tinyBaseModel();
    const vocabulary = Vocabulary.fromJSON((await readManifest(directory)).vocabulary);
    const trigram = KneserNeyTrigram.train(WORKSPACE_SENTENCES.map((s) => encodeDocument(s, vocabulary).ids), vocabulary.size, vocabulary.unkId);
    const runtime = await createRuntime('onnx', directory);
    try {
      const model = new RuntimePredictor(runtime);
      const ngram = new KneserNeyPredictor(trigram, vocabulary.eosId);
      const mixture = new MixturePredictor(model, ngram, 0.3);
      const context = [vocabulary.eosId, ...encodeDocument('The build runs the tests and then', vocabulary).ids];
      const fromModel = await model.advance(model.initialState(), context);
      const fromTrigram = await ngram.advance(ngram.initialState(), context);
      const both = await mixture.advance(mixture.initialState(), context);
      assertRowsMix(both.logProbs, fromModel.logProbs, fromTrigram.logProbs, 0.3, 'after the context');

      const next = [encodeDocument('writes', vocabulary).ids[0], vocabulary.eosId];
      const batch = await mixture.stepMany([both.state, both.state], next);
      const modelBatch = await model.stepMany([fromModel.state, fromModel.state], next);
      const trigramBatch = await ngram.stepMany([fromTrigram.state, fromTrigram.state], next);
      const V = vocabulary.size;
      for (let r = 0; r < 2; r++) {
        const row = (x: Float32Array) => x.subarray(r * V, (r + 1) * V);
        assertRowsMix(row(batch.logProbs), row(modelBatch.logProbs), row(trigramBatch.logProbs), 0.3, `batch row ${r}`);
      }
    } finally {
      await runtime.dispose();
    }
  });

  it('refuses a weight outside (0, 1) and a trigram of another vocabulary', async () => {
    const directory = await tinyBaseModel();
    const vocabulary = Vocabulary.fromJSON((await readManifest(directory)).vocabulary);
    const runtime = await createRuntime('onnx', directory);
    try {
      const model = new RuntimePredictor(runtime);
      const ngram = new KneserNeyPredictor(KneserNeyTrigram.train([Int32Array.of(1, 2, 3)], vocabulary.size, vocabulary.unkId), vocabulary.eosId);
      assert.throws(() => new MixturePredictor(model, ngram, 1), /outside \(0, 1\)/);
      assert.throws(() => new MixturePredictor(model, ngram, 0), /outside \(0, 1\)/);
      const other = new KneserNeyPredictor(KneserNeyTrigram.train([Int32Array.of(1, 2, 3)], vocabulary.size + 1, vocabulary.unkId), vocabulary.eosId);
      assert.throws(() => new MixturePredictor(model, other, 0.5), /vocabularies differ/);
    } finally {
      await runtime.dispose();
    }
  });

  it('a model directory whose manifest asks for interpolation without a trigram, or with a bad weight, fails to load with the reason', async () => {
    const copy = await fs.mkdtemp(path.join(os.tmpdir(), 'smart-compose-mixture-'));
    await fs.cp(await tinyBaseModel(), copy, { recursive: true });
    await updateManifest(copy, { policy: { minConfidence: 0.2, ngramWeight: 0.5 } });
    await assert.rejects(loadSuggestionEngine(copy), (error: unknown) => error instanceof ModelFormatError && /no Kneser-Ney baseline/.test(error.message));
    await updateManifest(copy, { policy: { minConfidence: 0.2, ngramWeight: 1.5 } });
    await assert.rejects(loadSuggestionEngine(copy), (error: unknown) => error instanceof ModelFormatError && /ngramWeight 1.5 is not between 0 and 1/.test(error.message));
  });
});

describe('choosing the interpolation weight', () => {
  it('weighs two models that are each right where the other is wrong equally, better than either alone', () => {
    const good = Math.log(0.9), bad = Math.log(0.01);
    const a = Float64Array.from({ length: 100 }, (_, i) => (i % 2 ? good : bad));
    const b = Float64Array.from({ length: 100 }, (_, i) => (i % 2 ? bad : good));
    const choice = chooseInterpolationWeight(a, b);
    assert.equal(choice.weight, 0.5);
    assert.ok(Math.abs(choice.perplexity - 1 / (0.5 * 0.9 + 0.5 * 0.01)) < 1e-9);
    assert.ok(choice.perplexity < perplexityOf(a) && choice.perplexity < perplexityOf(b));
  });

  it('keeps the first model alone (weight 1) when the second is worse on every token', () => {
    const a = Float64Array.from({ length: 50 }, (_, i) => Math.log(0.2 + i / 100));
    const b = a.map((x) => x - 3);
    const choice = chooseInterpolationWeight(a, b);
    assert.equal(choice.weight, 1);
    assert.equal(choice.perplexity, perplexityOf(a));
    assert.ok(interpolatedPerplexity(a, b, 0.95) > choice.perplexity);
  });
});
