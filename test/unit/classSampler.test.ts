import * as assert from 'node:assert/strict';
import { Random } from '../../src/model/random';
import { ClassSampler } from '../../src/training/classSampler';

describe('sampled softmax classes', () => {
  const V = 50;
  // Zipf-like training counts: word w occurs about 400 / (w + 1) times.
  const tokens = Int32Array.from(Array.from({ length: V }, (_, w) => Array.from({ length: Math.ceil(400 / (w + 1)) }, () => w)).flat());

  it("holds every target once, maps each row to its target's column, and adds no term to the targets", () => {
    const sampler = new ClassSampler(tokens, V, 10);
    const targets = Int32Array.of(3, 3, -1, 17, 42, 3);
    const classes = sampler.sample(targets, new Random(1));
    assert.equal(new Set(classes.ids).size, classes.ids.length, 'no class twice');
    targets.forEach((t, r) => {
      if (t < 0) assert.equal(classes.targetColumns[r], -1);
      else {
        assert.equal(classes.ids[classes.targetColumns[r]], t);
        assert.equal(classes.logitCorrection[classes.targetColumns[r]], 0);
      }
    });
    assert.ok(classes.ids.length > 3 && classes.ids.length <= 13);
    for (let c = 0; c < classes.ids.length; c++) if (![3, 17, 42].includes(classes.ids[c])) assert.ok(classes.logitCorrection[c] > 0, 'a drawn word is weighted up by 1 / its chance of being drawn');
  });

  it('estimates the partition function without bias: the mean of the corrected sum over many draws is the full sum', () => {
    const sampler = new ClassSampler(tokens, V, 8);
    const random = new Random(3);
    const logits = Float64Array.from({ length: V }, () => random.uniform(2));
    const targets = Int32Array.of(0, 9);
    const full = logits.reduce((sum, l) => sum + Math.exp(l), 0);
    let estimate = 0;
    const draws = 4000;
    for (let k = 0; k < draws; k++) {
      const classes = sampler.sample(targets, random);
      classes.ids.forEach((id, c) => { estimate += Math.exp(logits[id] + classes.logitCorrection[c]); });
    }
    estimate /= draws;
    assert.ok(Math.abs(estimate / full - 1) < 0.03, `estimate ${estimate}, full ${full}`);
  });
});
