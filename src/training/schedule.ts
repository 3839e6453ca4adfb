export interface ScheduleOptions {
  learningRate: number;
  /** Steps of linear warm-up from 0 (Adam's early moment estimates are noisy). */
  warmupSteps: number;
  /** Factor applied when the validation loss fails to improve. */
  decay: number;
  /** Validations without improvement after which training stops. */
  patience: number;
}

/**
 * Linear warm-up, then constant, dropping by `decay` each time validation loss fails to improve, and
 * stopping early after `patience` validations in a row without a new best.
 */
export class LearningRateSchedule {
  private scale = 1;
  private best = Infinity;
  private sinceBest = 0;

  constructor(private readonly options: ScheduleOptions) {}

  rate(step: number): number {
    const warm = this.options.warmupSteps > 0 ? Math.min(1, (step + 1) / this.options.warmupSteps) : 1;
    return this.options.learningRate * this.scale * warm;
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
