import * as assert from 'node:assert/strict';
import type { FinetuneProgress } from '../../src/training/finetune';
import { TrainingProgressView } from '../../src/provider/trainingProgress';

const progress = (p: Partial<FinetuneProgress>): FinetuneProgress => ({
  phase: 'training', fraction: 0, tokensPerSecond: 0, etaSeconds: Infinity, trainLoss: NaN, heldOutLoss: NaN, ...p,
});

describe('provider: the training progress notification', () => {
  it('says percent, phase, tokens/s and ETA; increments add up to the percent shown', () => {
    const view = new TrainingProgressView();
    const steps = [
      view.step(progress({ phase: 'preparing', fraction: 0 })),
      view.step(progress({ phase: 'measuring-before', fraction: 0.05 })),
      view.step(progress({ fraction: 0.423, tokensPerSecond: 1830.4, etaSeconds: 72 })),
      view.step(progress({ fraction: 0.4, tokensPerSecond: 1900, etaSeconds: 70 })),
      view.step(progress({ phase: 'writing', fraction: 1, etaSeconds: 0 })),
    ];
    assert.deepEqual(steps.map((s) => s.message), [
      '0% · preparing',
      '5% · measuring the current model',
      '42% · training · 1,830 tokens/s · ETA 1m12s',
      '42% · training · 1,900 tokens/s · ETA 1m10s',
      '100% · saving the new model · ETA 0s',
    ]);
    assert.deepEqual(steps.map((s) => s.increment), [0, 5, 37, 0, 58]);
    assert.equal(steps.reduce((sum, s) => sum + s.increment, 0), 100);
  });
});
