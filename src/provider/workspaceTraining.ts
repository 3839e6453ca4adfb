import type { FinetuneSettings } from '../training/finetune';
import { FinetuneJob, FinetuneJobHandlers, FinetuneJobRequest, FinetuneOutcome, FinetuneSource, startFinetuneJob } from '../training/finetuneJob';
import type { TrainingReport } from '../training/report/trainingReport';
import { EventLoopStallWatch } from './eventLoopStall';
import { saveReport } from './savedReport';

/** One Train on Workspace run: which model it starts from, where a kept result goes, what it learns from. */
export interface TrainingRun {
  /** The architecture's setting name ('lstm', 'gru'): the report's model. */
  arch: string;
  /** The model in use: the architecture's default, or the workspace's trained one. */
  base: string;
  /** The architecture's default, started from when a trained `base` cannot be loaded. */
  fallbackBase?: string;
  /** The workspace's model directory for the architecture: written (atomically) only when the result is kept. */
  out: string;
  /** Where the report of a finished run is saved (beside the models). */
  reportFile: string;
  settings: Partial<FinetuneSettings>;
  source: FinetuneSource;
}

export interface TrainingEnd {
  outcome: FinetuneOutcome;
  /** For a run that finished, kept or not (saved to reportFile). */
  report?: TrainingReport;
  /** Why the report could not be saved (the run's model, if kept, is in place all the same). */
  reportError?: string;
  /** The longest this thread's event loop was blocked while the job ran, in milliseconds. */
  longestStallMs: number;
  /** From the cancel request to the job's end, when it was cancelled. */
  cancelMs?: number;
}

/**
 * The one fine-tuning job a window runs at a time, in a worker thread (finetuneJob.ts): runs it, measures how
 * long the caller's event loop stalls meanwhile, and saves the report of a finished run.
 */
export class WorkspaceTraining {
  private job: FinetuneJob | undefined;
  private cancelledAt: number | undefined;

  constructor(private readonly startJob: (request: FinetuneJobRequest, handlers: FinetuneJobHandlers) => FinetuneJob = startFinetuneJob) {}

  get running(): boolean {
    return this.job !== undefined;
  }

  async run(run: TrainingRun, handlers: FinetuneJobHandlers): Promise<TrainingEnd> {
    if (this.job) throw new Error('a training run is already in progress');
    const watch = new EventLoopStallWatch();
    this.cancelledAt = undefined;
    try {
      this.job = this.startJob({ base: run.base, fallbackBase: run.fallbackBase, out: run.out, settings: run.settings, source: run.source }, handlers);
      const outcome = await this.job.outcome;
      const ended = performance.now();
      const longestStallMs = watch.stop();
      const cancelMs = this.cancelledAt !== undefined ? ended - this.cancelledAt : undefined;
      if (outcome.status !== 'done') return { outcome, longestStallMs, cancelMs };
      const report: TrainingReport = { model: run.arch, result: outcome.result, collected: outcome.collected };
      try {
        await saveReport(run.reportFile, report);
        return { outcome, report, longestStallMs, cancelMs };
      } catch (error) {
        return { outcome, report, reportError: error instanceof Error ? error.message : String(error), longestStallMs, cancelMs };
      }
    } finally {
      watch.stop();
      this.job = undefined;
    }
  }

  /** Asks the running job to stop (it ends as cancelled within a second, writing nothing); false when none runs. */
  cancel(): boolean {
    if (!this.job) return false;
    this.cancelledAt ??= performance.now();
    this.job.cancel();
    return true;
  }
}
