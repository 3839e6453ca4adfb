import { formatCount, formatDuration } from '../../cli/progress';

/**
 * What a fine-tuning report shows, and the figures both of its forms (the webview page and the log lines) are
 * made of, so that the two always say the same. The input types are structural subsets of what the engine
 * gives (FinetuneResult, CollectSummary): a job's outcome passes as it is.
 */

/** One held-out measurement: FinetuneResult's `before` or `after`. */
export interface ReportHeldOutFigures {
  perplexity: number;
  /** Keystroke savings (0..1) with Tab only, and with Tab or accept-next-word. */
  ksr: number;
  ksrWord: number;
  minConfidence: number;
}

/** One held-out validation; trainLoss is NaN at step 0 (the base model, before any training). Nats per token. */
export interface ReportLossPoint {
  step: number;
  trainLoss: number;
  validLoss: number;
}

/** The fine-tuning run: a structural subset of FinetuneResult. */
export interface ReportResult {
  kept: boolean;
  /** Why it was kept or not, in words. */
  decision: string;
  /** Wall clock of the whole run. */
  seconds: number;
  trainFiles: readonly string[];
  heldOutFiles: readonly string[];
  newWords: readonly { word: string; count: number }[];
  before: ReportHeldOutFigures;
  after: ReportHeldOutFigures;
  heldOutTokens: number;
  heldOutCharacters: number;
  training: {
    steps: number;
    tokens: number;
    seconds: number;
    tokensPerSecond: number;
    stoppedBy: string;
    history: readonly ReportLossPoint[];
    /** Draws of the sampled softmax it trained with (its training loss is over those classes); absent or 0: full. */
    sampledClasses?: number;
  };
}

/** What collecting the workspace found: a structural subset of CollectSummary. */
export interface ReportCollection {
  filesSeen: number;
  /** Entries skipped, by reason (a skipped folder counts once). */
  skipped: Readonly<Record<string, number>>;
  /** Secrets removed from the files kept. */
  redactions: number;
  /** Whether the walk stopped at its file limit. */
  truncated: boolean;
}

export interface TrainingReport {
  /** The model as the user chose it ("lstm", "gru"). */
  model: string;
  result: ReportResult;
  /** Absent when the run was given documents rather than collecting them: nothing is known of skipped files. */
  collected?: ReportCollection;
}

export type Verdict = 'better' | 'worse' | 'same' | 'neutral';

export interface FigureRow {
  label: string;
  before: string;
  after: string;
  change: string;
  verdict: Verdict;
}

/** The before/after table. A change is judged by the figures as shown, so "same" never hides behind rounding. */
export function figureRows(before: ReportHeldOutFigures, after: ReportHeldOutFigures): FigureRow[] {
  const savings = (label: string, b: number, a: number): FigureRow => {
    const row = { label, before: formatPercent(b), after: formatPercent(a) };
    if (!Number.isFinite(b) || !Number.isFinite(a)) return { ...row, change: NOT_A_NUMBER, verdict: 'neutral' };
    const points = Number(((a - b) * 100).toFixed(1));
    return { ...row, change: `${signed(points.toFixed(1))} points`, verdict: judge(row.before, row.after, a > b) };
  };
  const perplexity = ((): FigureRow => {
    const b = before.perplexity, a = after.perplexity;
    const row = { label: 'Perplexity (lower is better)', before: formatFixed(b, 2), after: formatFixed(a, 2) };
    if (!Number.isFinite(b) || !Number.isFinite(a) || b <= 0) return { ...row, change: NOT_A_NUMBER, verdict: 'neutral' };
    const relative = (a / b - 1) * 100;
    return { ...row, change: `${signed(formatFixed(a - b, 2))} (${signed(relative.toFixed(1))}%)`, verdict: judge(row.before, row.after, a < b) };
  })();
  const gate = {
    label: 'Confidence gate chosen',
    before: formatFixed(before.minConfidence, 2),
    after: formatFixed(after.minConfidence, 2),
    change: Number.isFinite(before.minConfidence) && Number.isFinite(after.minConfidence)
      ? signed((after.minConfidence - before.minConfidence).toFixed(2)) : NOT_A_NUMBER,
    verdict: 'neutral' as const,
  };
  return [
    savings('Keystroke savings, Tab', before.ksr, after.ksr),
    savings('Keystroke savings, Tab or next word', before.ksrWord, after.ksrWord),
    perplexity,
    gate,
  ];
}

export interface SkipRow {
  reason: string;
  label: string;
  count: number;
}

const SKIP_LABELS: Record<string, string> = {
  excluded: 'excluded by the settings or files.exclude',
  gitignored: 'ignored by .gitignore',
  'secret-file': 'secret by nature (.env, keys, certificates, credentials, lockfiles)',
  binary: 'binary',
  'not-utf8': 'not UTF-8',
  minified: 'minified or generated (very long lines)',
  'too-large': 'over the size limit',
  'not-prose': 'neither prose nor code with comments',
  empty: 'no text left once comments were extracted and secrets removed',
};

/** Reasons with at least one entry, most first; a reason this code does not know is shown by its name. */
export function skipRows(skipped: Readonly<Record<string, number>>): SkipRow[] {
  return Object.entries(skipped)
    .filter(([, count]) => count > 0)
    .sort(([ra, a], [rb, b]) => b - a || (ra < rb ? -1 : 1))
    .map(([reason, count]) => ({ reason, label: SKIP_LABELS[reason] ?? reason, count }));
}

const STOP_REASONS: Record<string, string> = {
  converged: 'the held-out loss stopped improving',
  'max-epochs': 'the epoch limit was reached',
  'time-budget': 'the time budget ran out',
  cancelled: 'it was cancelled',
};

export function stopReasonText(stoppedBy: string): string {
  return STOP_REASONS[stoppedBy] ?? stoppedBy;
}

export interface LossSummary {
  validations: number;
  first?: ReportLossPoint;
  last?: ReportLossPoint;
  /** The validation with the lowest finite held-out loss. */
  lowest?: ReportLossPoint;
}

/** The held-out loss at the first, last and lowest validations with a finite value. */
export function lossSummary(history: readonly ReportLossPoint[]): LossSummary {
  const finite = history.filter((p) => Number.isFinite(p.validLoss));
  const lowest = finite.reduce<ReportLossPoint | undefined>((best, p) => (best === undefined || p.validLoss < best.validLoss ? p : best), undefined);
  return { validations: history.length, first: finite[0], last: finite[finite.length - 1], lowest };
}

/** Training tokens a step (batch × BPTT length), undefined when the run made no step. */
export function tokensPerStep(training: ReportResult['training']): number | undefined {
  return training.steps > 0 && training.tokens > 0 ? training.tokens / training.steps : undefined;
}

/** Files the run learned from: its training files plus those held out to measure it. */
export function filesUsed(result: ReportResult): number {
  return result.trainFiles.length + result.heldOutFiles.length;
}

/** The words learned, most frequent first, at most `limit`. */
export function topNewWords(result: ReportResult, limit: number): string[] {
  return [...result.newWords].sort((a, b) => b.count - a.count).slice(0, limit).map((w) => w.word);
}

/** Shown where a figure is missing or not a finite number. */
export const NOT_A_NUMBER = 'n/a';

export function formatPercent(fraction: number): string {
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(1)}%` : NOT_A_NUMBER;
}

/** With thousands separators: an untrained model's perplexity runs into the millions. */
export function formatFixed(x: number, digits: number): string {
  return Number.isFinite(x) ? x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : NOT_A_NUMBER;
}

export function formatInteger(x: number): string {
  return Number.isFinite(x) ? formatCount(x) : NOT_A_NUMBER;
}

/** "2m41s"; "n/a" when unknown. */
export function formatElapsed(seconds: number): string {
  return Number.isFinite(seconds) ? formatDuration(seconds) : NOT_A_NUMBER;
}

export function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

/** "+1.5", "-0.3", "0.0": a formatted difference with its sign, never "-0.0". */
function signed(formatted: string): string {
  if (!/[1-9]/.test(formatted)) return formatted.replace(/^-/, '');
  return formatted.startsWith('-') ? formatted : `+${formatted}`;
}

function judge(shownBefore: string, shownAfter: string, improved: boolean): Verdict {
  if (shownBefore === shownAfter) return 'same';
  return improved ? 'better' : 'worse';
}
