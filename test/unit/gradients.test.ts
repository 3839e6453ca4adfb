import * as assert from 'node:assert/strict';
import { CELLS, CellType } from '../../src/model/cells';
import { ModelConfig } from '../../src/model/config';
import { typescriptKernels } from '../../src/model/kernels/typescriptKernels';
import { createModel } from '../../src/model/languageModel';
import { Network } from '../../src/model/network';
import { SampledClasses } from '../../src/model/outputLayer';
import { Random } from '../../src/model/random';

/**
 * Finite-difference checks: every analytic gradient against (L(θ+ε) - L(θ-ε)) / 2ε, in float32.
 * The error measure per tensor is ‖analytic - numeric‖ / (‖analytic‖ + ‖numeric‖): a wrong sign, a missing
 * term or a transposed product gives values near 1; float32 rounding at ε = 1e-2 stays near 1e-3.
 */
const EPSILON = 1e-2;
const BOUND = 1e-2;
const kernels = typescriptKernels();

function relativeError(analytic: ArrayLike<number>, numeric: ArrayLike<number>): number {
  let diff = 0, a = 0, n = 0;
  for (let i = 0; i < analytic.length; i++) {
    diff += (analytic[i] - numeric[i]) ** 2;
    a += analytic[i] ** 2;
    n += numeric[i] ** 2;
  }
  return Math.sqrt(diff) / Math.max(1e-12, Math.sqrt(a) + Math.sqrt(n));
}

/** Central differences of f with respect to every entry of x (restored afterwards). */
function numericGradient(x: Float32Array, f: () => number, entries = x.length): Float64Array {
  const grad = new Float64Array(entries);
  for (let i = 0; i < entries; i++) {
    const saved = x[i];
    x[i] = saved + EPSILON;
    const plus = f();
    x[i] = saved - EPSILON;
    const minus = f();
    x[i] = saved;
    grad[i] = (plus - minus) / (2 * EPSILON);
  }
  return grad;
}

function randomArray(n: number, random: Random, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => random.uniform(scale));
}

describe('gradient checks', () => {
  for (const cellType of Object.keys(CELLS) as CellType[]) {
    it(`${cellType} cell: pointwise backward matches finite differences`, () => {
      const cell = CELLS[cellType];
      const random = new Random(7);
      const batch = 2, hidden = 3, GH = cell.gateCount * hidden, size = batch * hidden;
      const xp = randomArray(batch * GH, random, 1.5);
      const hp = randomArray(batch * GH, random, 1.5);
      const prev = cell.stateNames.map(() => randomArray(size, random));
      const next = cell.stateNames.map(() => new Float32Array(size));
      const weights = cell.stateNames.map(() => randomArray(size, random));
      const cache = new Float32Array(batch * cell.cacheWidth * hidden);
      const step = { batch, hidden, xp, hp, prev, next, cache };
      // L = Σ_k Σ weights_k ⊙ state_k(t): a random linear read-out of every new state.
      const loss = () => {
        cell.forward(step);
        let sum = 0;
        next.forEach((s, k) => s.forEach((v, i) => { sum += v * weights[k][i]; }));
        return sum;
      };
      loss();
      const dxp = new Float32Array(batch * GH), dhp = new Float32Array(batch * GH);
      const dPrev = cell.stateNames.map(() => new Float32Array(size));
      cell.backward({ ...step, dNext: weights, dxp, dhp, dPrev });
      const errors: Record<string, number> = {
        xp: relativeError(dxp, numericGradient(xp, loss)),
        hp: relativeError(dhp, numericGradient(hp, loss)),
      };
      cell.stateNames.forEach((name, k) => { errors[`${name}_prev`] = relativeError(dPrev[k], numericGradient(prev[k], loss)); });
      console.log(`      ${cellType} cell relative errors: ${JSON.stringify(errors, (_, v: unknown) => typeof v === 'number' ? Number(v.toExponential(2)) : v)}`);
      for (const [name, error] of Object.entries(errors)) assert.ok(error < BOUND, `${name}: ${error}`);
    });
  }

  const configs: [string, Omit<ModelConfig, 'cell'>][] = [
    ['2 layers, untied output', { vocabSize: 7, embeddingSize: 4, hiddenSize: 5, layers: 2, tieWeights: false }],
    ['tied output through a projection', { vocabSize: 7, embeddingSize: 4, hiddenSize: 5, layers: 1, tieWeights: true }],
    ['tied output, no projection', { vocabSize: 6, embeddingSize: 4, hiddenSize: 4, layers: 1, tieWeights: true }],
  ];
  for (const cellType of Object.keys(CELLS) as CellType[]) {
    for (const [label, shape] of configs) {
      it(`${cellType} whole model (${label}): every parameter's gradient matches finite differences`, () => {
        const config: ModelConfig = { cell: cellType, ...shape };
        const model = createModel(config, kernels, 3);
        const random = new Random(11);
        // Larger weights than the initialisation, so that gates are not all near 0.5 and errors show.
        for (const t of model.params.tensors()) for (let i = 0; i < t.size; i++) t.value[i] = random.uniform(0.8);
        const batch = 2, steps = 3;
        // Dropout is on, with the same mask in every evaluation (a fresh Random of one seed per forward).
        const network = new Network(model, { batch, steps, training: true, dropout: 0.3 });
        const inputs = Int32Array.from({ length: batch * steps }, () => random.int(config.vocabSize));
        const targets = Int32Array.from({ length: batch * steps }, () => random.int(config.vocabSize));
        targets[1] = -1; // an ignored row must contribute nothing
        const initial = network.layers.map(() => CELLS[cellType].stateNames.map(() => randomArray(batch * config.hiddenSize, random, 0.5)));
        const run = () => {
          network.layers.forEach((layer, l) => initial[l].forEach((s, k) => layer.initialState(k).set(s)));
          network.forward(inputs, steps, new Random(5));
        };
        const meanLoss = () => {
          run();
          return network.loss(targets) / (batch * steps - 1);
        };
        model.params.zeroGrads();
        run();
        network.backward(targets);
        const errors: Record<string, number> = {};
        for (const tensor of model.params.tensors()) {
          errors[tensor.name] = relativeError(tensor.grad, numericGradient(tensor.value, meanLoss));
        }
        console.log(`      ${cellType} ${label}: ${Object.entries(errors).map(([n, e]) => `${n} ${e.toExponential(1)}`).join(', ')}`);
        for (const [name, error] of Object.entries(errors)) assert.ok(error < BOUND, `${name}: relative error ${error}`);
      });
    }
  }

  for (const cellType of Object.keys(CELLS) as CellType[]) {
    it(`${cellType} whole model over sampled classes: every parameter's gradient matches finite differences of the sampled loss`, () => {
      const config: ModelConfig = { cell: cellType, vocabSize: 9, embeddingSize: 4, hiddenSize: 5, layers: 1, tieWeights: true };
      const model = createModel(config, kernels, 3);
      const random = new Random(13);
      for (const t of model.params.tensors()) for (let i = 0; i < t.size; i++) t.value[i] = random.uniform(0.8);
      const batch = 2, steps = 3, rows = batch * steps;
      const network = new Network(model, { batch, steps, training: true, dropout: 0.3 });
      const inputs = Int32Array.from({ length: rows }, () => random.int(config.vocabSize));
      const targets = Int32Array.of(2, -1, 5, 2, 7, 5);
      // The targets' classes (correction 0) and two drawn ones with their importance terms; words 0, 1, 3, 4, 6
      // are outside: their output rows get no gradient but through the input embedding.
      const classes: SampledClasses = {
        ids: Int32Array.of(2, 5, 7, 8, 6),
        logitCorrection: Float32Array.of(0, 0, 0, -0.7, 1.2),
        targetColumns: Int32Array.from(targets, (t) => (t < 0 ? -1 : [2, 5, 7].indexOf(t))),
      };
      const forward = () => network.forward(inputs, steps, new Random(5), classes);
      const meanLoss = () => kernels.softmaxCrossEntropy(forward(), classes.targetColumns, rows, classes.ids.length, 0) / (rows - 1);
      model.params.zeroGrads();
      forward();
      network.backward(targets);
      for (const tensor of model.params.tensors()) {
        const error = relativeError(tensor.grad, numericGradient(tensor.value, meanLoss));
        assert.ok(error < BOUND, `${tensor.name}: relative error ${error}`);
      }
      assert.equal(model.params.get('output.b').grad[4], 0, 'a word outside the classes gets no output gradient');
    });
  }
});
