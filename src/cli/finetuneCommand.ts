import { RuntimeKind } from '../inference/runtime';
import { finetune, FinetuneProgress, HeldOutFigures } from '../training/finetune';
import { collectWorkspace, DEFAULT_COLLECT_OPTIONS } from '../training/workspaceFiles';
import { formatCount, formatDuration } from './progress';

export interface FinetuneCommandOptions {
  base: string;
  workspace: string[];
  out: string;
  maxSeconds: number;
  seed: number;
  runtime: RuntimeKind;
  json?: boolean;
}

/** Seconds between progress lines on stderr. */
const PROGRESS_SECONDS = 2;

/**
 * `finetune`: collects the prose of the workspace folders (secrets removed), fine-tunes the base model on it and
 * writes the result to --out only if it is better on the held-out files. Ctrl+C cancels and writes nothing.
 */
export async function runFinetune(o: FinetuneCommandOptions): Promise<void> {
  const started = performance.now();
  const log = (line: string) => process.stderr.write(line + '\n');
  const controller = new AbortController();
  const cancel = () => controller.abort();
  process.once('SIGINT', cancel);
  try {
    const collected = await collectWorkspace(o.workspace, { ...DEFAULT_COLLECT_OPTIONS, signal: controller.signal });
    const skipped = Object.entries(collected.skipped).filter(([, n]) => n > 0).map(([reason, n]) => `${n} ${reason}`).join(', ');
    log(`collected ${collected.documents.length} of ${collected.filesSeen} files${skipped ? ` (skipped: ${skipped})` : ''}, ${collected.redactions} secrets removed`);
    if (collected.documents.length === 0) {
      throw new Error(`no usable text in ${o.workspace.join(', ')} (${collected.filesSeen} files seen${skipped ? `; skipped: ${skipped}` : ''}); no model written`);
    }
    let lastLine = -Infinity;
    const result = await finetune(o.base, collected.documents, { out: o.out, maxSeconds: o.maxSeconds, seed: o.seed, runtime: o.runtime }, {
      signal: controller.signal,
      onLog: log,
      onProgress: (p) => {
        const now = performance.now() / 1000;
        if (now - lastLine < PROGRESS_SECONDS) return;
        lastLine = now;
        log(progressLine(p));
      },
    });
    if (o.json) {
      const figures = (f: HeldOutFigures) => ({ ksr: f.ksr, ksr_word: f.ksrWord, perplexity: f.perplexity, min_confidence: f.minConfidence, best_ksr_word: f.bestKsrWord });
      process.stdout.write(JSON.stringify({
        seconds: (performance.now() - started) / 1000,
        files_used: collected.documents.length,
        files_held_out: result.heldOutFiles.length,
        held_out_files: result.heldOutFiles,
        files_skipped: collected.skipped,
        secrets_removed: collected.redactions,
        new_words: result.newWords.length,
        held_out_tokens: result.heldOutTokens,
        held_out_characters: result.heldOutCharacters,
        before: figures(result.before),
        after: figures(result.after),
        weight_share: result.weightShare,
        ngram_weight: result.ngramWeight,
        interpolated_perplexity: result.interpolatedPerplexity,
        kept: result.kept,
        out: o.out,
      }) + '\n');
    }
  } finally {
    process.removeListener('SIGINT', cancel);
  }
}

function progressLine(p: FinetuneProgress): string {
  const parts = [`${p.phase} ${(p.fraction * 100).toFixed(0)}%`];
  if (p.tokensPerSecond > 0) parts.push(`${formatCount(p.tokensPerSecond)} tokens/s`);
  if (Number.isFinite(p.trainLoss)) parts.push(`loss ${p.trainLoss.toFixed(3)}`);
  if (Number.isFinite(p.heldOutLoss)) parts.push(`held-out ${p.heldOutLoss.toFixed(3)}`);
  parts.push(`ETA ${formatDuration(p.etaSeconds)}`);
  return parts.join(' | ');
}
