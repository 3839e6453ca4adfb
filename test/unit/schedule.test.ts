import { strict as assert } from 'node:assert';
import { LearningRateSchedule } from '../../src/training/schedule';

describe('learning-rate schedule', () => {
  const options = { learningRate: 1e-3, warmupSteps: 10, decay: 0.5, patience: 2, cooldown: 0.25 };

  it('warms up linearly, holds, then cools down linearly to a tenth over the last share of the work', () => {
    const schedule = new LearningRateSchedule(options);
    assert.ok(Math.abs(schedule.rate(0, 0) - 1e-4) < 1e-12);
    assert.equal(schedule.rate(50, 0.5), 1e-3);
    assert.equal(schedule.rate(50, 0.75), 1e-3);
    assert.ok(Math.abs(schedule.rate(50, 0.875) - 0.55e-3) < 1e-12);
    assert.ok(Math.abs(schedule.rate(50, 1) - 1e-4) < 1e-12);
  });

  it('holds the rate to the end without a cooldown, and halves it after a validation without a new best', () => {
    const schedule = new LearningRateSchedule({ ...options, cooldown: 0 });
    assert.equal(schedule.rate(50, 1), 1e-3);
    assert.equal(schedule.observe(2), true);
    assert.equal(schedule.observe(2.5), false);
    assert.equal(schedule.rate(50, 1), 0.5e-3);
    assert.equal(schedule.shouldStop, false);
    assert.equal(schedule.observe(2.5), false);
    assert.equal(schedule.shouldStop, true);
  });
});
