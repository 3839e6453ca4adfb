import { formatCount, formatDuration } from '../cli/progress';
import type { FinetuneProgress } from '../training/finetune';

const PHASE_WORDS: Record<FinetuneProgress['phase'], string> = {
  preparing: 'preparing',
  'measuring-before': 'measuring the current model',
  training: 'training',
  'measuring-after': 'measuring the new model',
  writing: 'saving the new model',
};

/** One step of the progress notification: the percent reached, what to add to the bar, and its message. */
export interface ProgressStep {
  percent: number;
  /** What VS Code's progress.report adds to its bar (it adds increments up): the percent gained since the last step. */
  increment: number;
  message: string;
}

/**
 * Turns a fine-tuning job's progress into the notification's steps ("42% · training · 1,830 tokens/s · ETA 12s")
 * and the status bar's percent.
 */
export class TrainingProgressView {
  private shown = 0;

  step(progress: FinetuneProgress): ProgressStep {
    const percent = Math.max(this.shown, Math.min(100, Math.floor(progress.fraction * 100)));
    const increment = percent - this.shown;
    this.shown = percent;
    const parts = [`${percent}%`, PHASE_WORDS[progress.phase]];
    if (progress.tokensPerSecond > 0) parts.push(`${formatCount(progress.tokensPerSecond)} tokens/s`);
    if (Number.isFinite(progress.etaSeconds)) parts.push(`ETA ${formatDuration(progress.etaSeconds)}`);
    return { percent, increment, message: parts.join(' · ') };
  }
}
