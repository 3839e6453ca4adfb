import { LanguageModel } from '../model/languageModel';
import { Network } from '../model/network';
import { Random } from '../model/random';
import { Adam, clipGradientNorm } from './adam';
import { StreamBatcher } from './batcher';
import { ClassSampler } from './classSampler';
import { LearningRateSchedule } from './schedule';

export interface TrainOptions {
  batch: number;
  steps: number;
  learningRate: number;
  warmupSteps: number;
  /** Learning-rate factor after a validation without improvement. */
  decay: number;
  /** Validations without improvement before stopping early. */
  patience: number;
  /** Share of the planned work at its end over which the learning rate falls to a tenth (0 = none). */
  cooldown: number;
  clipNorm: number;
  dropout: number;
  /** Epochs to train; a fraction stops partway through the last one (a fixed amount of work, unlike a time budget). */
  maxEpochs: number;
  /** Wall-clock budget; training stops (keeping the best model) when it runs out. */
  maxSeconds: number;
  /** Training steps between validations (0 = once per epoch). */
  validateEvery: number;
  seed: number;
  /**
   * Chunks already trained on, counted from the start of the first epoch: a run that continues an earlier one (its
   * weights, same seed and data) starts where that one stopped, in whichever epoch, instead of seeing the same text
   * again.
   */
  startStep: number;
  /**
   * Draws a step's softmax runs over besides the batch's targets (sampled softmax, ClassSampler); 0 = the full
   * softmax over the vocabulary. Validation is always over the full vocabulary.
   */
  sampledClasses: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  batch: 32,
  steps: 32,
  learningRate: 3e-3,
  warmupSteps: 100,
  decay: 0.5,
  patience: 3,
  cooldown: 0,
  clipNorm: 1,
  dropout: 0.1,
  maxEpochs: 10,
  maxSeconds: Infinity,
  validateEvery: 0,
  seed: 1,
  startStep: 0,
  sampledClasses: 0,
};

export interface TrainProgress {
  step: number;
  epoch: number;
  /** Fraction of the planned work done, 0..1 (by epochs or by time budget, whichever ends first). */
  fraction: number;
  tokensPerSecond: number;
  /** Mean training loss (nats per token) since the last report; with a sampled softmax, over the sampled classes. */
  trainLoss: number;
  learningRate: number;
  etaSeconds: number;
}

export interface ValidationPoint {
  step: number;
  trainLoss: number;
  validLoss: number;
}

export type StopReason = 'converged' | 'max-epochs' | 'time-budget' | 'cancelled';

export interface TrainResult {
  steps: number;
  tokens: number;
  seconds: number;
  tokensPerSecond: number;
  bestValidLoss: number;
  history: ValidationPoint[];
  stoppedBy: StopReason;
}

export interface TrainHooks {
  onProgress?(progress: TrainProgress): void;
  /** Called after each validation that set a new best (the model holds the best weights at that moment). */
  onBest?(point: ValidationPoint): void | Promise<void>;
  /** Called after every validation, improved or not (loss curves). */
  onValidation?(point: ValidationPoint): void;
  /** Checked between steps; true stops training at once, keeping the best weights so far. */
  isCancelled?(): boolean;
  /** Seconds between progress reports. */
  progressInterval?: number;
}

/**
 * Truncated BPTT with the state carried across chunks, Adam, global-norm clipping, warm-up and decay on
 * plateau, early stopping on the validation loss. Deterministic for a given seed and data. At the end the
 * model holds the weights of the best validation.
 */
export async function train(
  model: LanguageModel,
  trainTokens: Int32Array,
  validTokens: Int32Array,
  options: TrainOptions,
  hooks: TrainHooks = {},
): Promise<TrainResult> {
  const { kernels, params } = model;
  const random = new Random(options.seed);
  const batcher = new StreamBatcher(trainTokens, options.batch, options.steps);
  const network = new Network(model, { batch: options.batch, steps: options.steps, training: true, dropout: options.dropout });
  const validator = new StreamValidator(model, validTokens);
  const sampler = options.sampledClasses > 0 ? new ClassSampler(trainTokens, model.config.vocabSize, options.sampledClasses) : undefined;
  const adam = new Adam(kernels, params);
  const schedule = new LearningRateSchedule(options);
  const best = new Float32Array(params.values);
  const validateEvery = options.validateEvery > 0 ? options.validateEvery : batcher.chunksPerEpoch();
  const plannedSteps = Math.max(1, Math.round(options.maxEpochs * batcher.chunksPerEpoch()));
  const history: ValidationPoint[] = [];
  const progressInterval = (hooks.progressInterval ?? 2) * 1000;
  let lastYield = performance.now();

  const started = performance.now();
  let lastReport = started;
  let step = 0, tokens = 0, reportLoss = 0, reportCount = 0, validationLoss = 0, validationCount = 0;
  let stoppedBy: StopReason = 'max-epochs';

  const elapsed = () => (performance.now() - started) / 1000;
  /** Fraction of the planned work done: by epochs or by time budget, whichever ends first. */
  const done = () => {
    const byTime = Number.isFinite(options.maxSeconds) ? elapsed() / options.maxSeconds : 0;
    return Math.min(1, Math.max(step / plannedSteps, byTime));
  };
  const validate = async (): Promise<boolean> => {
    const point = { step, trainLoss: validationLoss / Math.max(1, validationCount), validLoss: validator.meanLoss() };
    validationLoss = 0;
    validationCount = 0;
    history.push(point);
    hooks.onValidation?.(point);
    const improved = schedule.observe(point.validLoss);
    if (improved) {
      best.set(params.values);
      await hooks.onBest?.(point);
    }
    return improved;
  };
  const firstEpoch = Math.floor(options.startStep / batcher.chunksPerEpoch());
  const epochs = Math.ceil(options.startStep / batcher.chunksPerEpoch() + options.maxEpochs);
  training: for (let epoch = firstEpoch; epoch < epochs; epoch++) {
    network.resetState();
    for (const steps of batcher.epoch(random, epoch === firstEpoch ? options.startStep % batcher.chunksPerEpoch() : 0)) {
      if (step >= plannedSteps) break training;
      // The steps are synchronous: without a turn of the event loop now and then, a caller's AbortSignal,
      // timers and worker messages (a cancel request) would wait until training ends.
      if (performance.now() - lastYield >= YIELD_INTERVAL_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
      if (hooks.isCancelled?.()) { stoppedBy = 'cancelled'; break training; }
      if (elapsed() >= options.maxSeconds) { stoppedBy = 'time-budget'; break training; }
      params.zeroGrads();
      network.forward(batcher.inputs, steps, random, sampler?.sample(batcher.targets.subarray(0, steps * options.batch), random));
      const { loss, count } = network.backward(batcher.targets);
      clipGradientNorm(kernels, params, options.clipNorm);
      adam.step(schedule.rate(step, done()));
      network.carryState();
      step++;
      tokens += count;
      reportLoss += loss; reportCount += count;
      validationLoss += loss; validationCount += count;

      const now = performance.now();
      // The first step reports too: a small workspace trains for less than one interval, and its progress bar
      // would otherwise show no rate or loss at all.
      if (hooks.onProgress && (step === 1 || now - lastReport >= progressInterval)) {
        const seconds = elapsed();
        const fraction = done();
        hooks.onProgress({
          step, epoch, fraction,
          tokensPerSecond: tokens / seconds,
          trainLoss: reportLoss / Math.max(1, reportCount),
          learningRate: schedule.rate(step, fraction),
          etaSeconds: fraction > 0 ? seconds * (1 - fraction) / fraction : Infinity,
        });
        lastReport = now; reportLoss = 0; reportCount = 0;
      }

      if (step % validateEvery === 0 && !(await validate()) && schedule.shouldStop) {
        stoppedBy = 'converged';
        break training;
      }
    }
  }
  // Validate the last stretch too, so a short run or one cut by its time budget still keeps its best weights;
  // a cancelled run skips it to stop at once.
  if (history.length === 0 || (stoppedBy !== 'converged' && stoppedBy !== 'cancelled' && validationCount > 0)) {
    await validate();
  }
  params.values.set(best);
  const seconds = elapsed();
  return { steps: step, tokens, seconds, tokensPerSecond: tokens / seconds, bestValidLoss: schedule.bestLoss, history, stoppedBy };
}

/** How long training runs between turns of the event loop. */
const YIELD_INTERVAL_MS = 50;
const VALIDATION_STREAMS = 16;
const VALIDATION_STEPS = 64;
/** Shorter streams would restart without context too often and measure the restarts, not the model. */
const MIN_VALIDATION_STREAM = 256;

/**
 * Mean negative log-likelihood per token of a token stream, full softmax, split into parallel streams with
 * state carried along each (an estimate for model selection; `eval` measures documents exactly).
 * Buffers are allocated once and reused for every validation of a run.
 */
export class StreamValidator {
  private readonly batcher: StreamBatcher;
  private readonly network: Network;

  constructor(model: LanguageModel, tokens: Int32Array) {
    const batch = Math.max(1, Math.min(VALIDATION_STREAMS, Math.floor((tokens.length - 1) / MIN_VALIDATION_STREAM)));
    this.batcher = new StreamBatcher(tokens, batch, VALIDATION_STEPS);
    this.network = new Network(model, { batch, steps: VALIDATION_STEPS, training: false });
  }

  meanLoss(): number {
    const { batcher, network } = this;
    network.resetState();
    let loss = 0, count = 0;
    for (const steps of batcher.epoch()) {
      network.forward(batcher.inputs, steps);
      loss += network.loss(batcher.targets);
      count += steps * batcher.batch;
      network.carryState();
    }
    return loss / Math.max(1, count);
  }
}
