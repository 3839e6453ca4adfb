export interface ScheduleOptions {
  learningRate: number;
  /** Steps of linear warm-up from 0 (Adam's early moment estimates are noisy). */
  warmupSteps: number;
  /** Factor applied when the validation loss fails to improve. */
  decay: number;
  /** Validations without improvement after which training stops. */
  patience: number;
  /**
   * Share of the planned work (epochs or time budget) at its end over which the rate falls linearly to a tenth:
   * a run that is cut by its budget before it converges still ends at a low rate, where the loss settles.
   */
  cooldown: number;
}

/** The rate at the very end of a cooldown, as a share of the rate before it. */
const COOLDOWN_FLOOR = 0.1;

/**
 * Linear warm-up, then constant, dropping by `decay` each time validation loss fails to improve, and
 * stopping early after `patience` validations in a row without a new best; over the last `cooldown` share of
 * the planned work, a linear fall to a tenth.
 */
export class LearningRateSchedule {
  private scale = 1;
  private best = Infinity;
  private sinceBest = 0;

  constructor(private readonly options: ScheduleOptions) {}

  /** `done`: the fraction of the planned work done, 0..1. */
  rate(step: number, done: number): number {
    const warm = this.options.warmupSteps > 0 ? Math.min(1, (step + 1) / this.options.warmupSteps) : 1;
    const { cooldown } = this.options;
    const intoCooldown = cooldown > 0 ? Math.min(1, Math.max(0, (done - (1 - cooldown)) / cooldown)) : 0;
    return this.options.learningRate * this.scale * warm * (1 - (1 - COOLDOWN_FLOOR) * intoCooldown);
  }

  /** Records a validation loss; returns whether it is the best so far. */
  observe(validationLoss: number): boolean {
    if (validationLoss < this.best - 1e-4) {
      this.best = validationLoss;
      this.sinceBest = 0;
      return true;
    }
    this.sinceBest++;
    this.scale *= this.options.decay;
    return false;
  }

  get shouldStop(): boolean {
    return this.sinceBest >= this.options.patience;
  }

  get bestLoss(): number {
    return this.best;
  }
}
