import {
  figureRows, filesUsed, formatElapsed, formatInteger, lossSummary, plural, skipRows, stopReasonText, tokensPerStep, topNewWords, TrainingReport,
} from './trainingReport';

/** New words named in the log; the rest are counted. */
const NEW_WORDS_LOGGED = 12;

/** The report's figures as log lines, the same as the page shows (file names are left to the page). */
export function formatTrainingReportText(report: TrainingReport): string[] {
  const { result, collected } = report;
  const t = result.training;
  const lines = [`fine-tuning report (${report.model}): ${result.kept ? 'kept' : 'not kept'}; ${result.decision}`];
  for (const row of figureRows(result.before, result.after)) {
    lines.push(`  ${row.label}: ${row.before} -> ${row.after}, ${row.change}${row.verdict === 'better' || row.verdict === 'worse' ? `, ${row.verdict}` : ''}`);
  }
  lines.push(`  held out: ${result.heldOutFiles.length} ${plural(result.heldOutFiles.length, 'file')}, ${formatInteger(result.heldOutTokens)} tokens scored, ${formatInteger(result.heldOutCharacters)} characters typed`);
  const used = filesUsed(result);
  let files = `  files: ${formatInteger(used)} used${collected ? ` of ${formatInteger(collected.filesSeen)} seen` : ''} (${result.trainFiles.length} training, ${result.heldOutFiles.length} held out)`;
  if (collected) {
    const skipped = skipRows(collected.skipped).map((row) => `${formatInteger(row.count)} ${row.reason}`);
    files += `; skipped: ${skipped.length ? skipped.join(', ') : 'none'}; ${formatInteger(collected.redactions)} ${plural(collected.redactions, 'secret')} removed${collected.truncated ? '; stopped at the file limit' : ''}`;
  }
  lines.push(files);
  const words = topNewWords(result, NEW_WORDS_LOGGED);
  const more = result.newWords.length > words.length ? `, and ${formatInteger(result.newWords.length - words.length)} more` : '';
  lines.push(`  new words: ${formatInteger(result.newWords.length)}${words.length ? ` (${words.join(', ')}${more})` : ''}`);
  const perStep = tokensPerStep(t);
  lines.push(`  training: ${formatInteger(t.steps)} ${plural(t.steps, 'step')}, ${formatInteger(t.tokens)} tokens${perStep ? ` (${formatInteger(perStep)} a step)` : ''}, `
    + `${formatInteger(t.tokensPerSecond)} tokens/s, ${seconds(t.seconds)}; stopped because ${stopReasonText(t.stoppedBy)}`);
  const loss = lossSummary(t.history);
  lines.push(loss.first && loss.last && loss.lowest
    ? `  held-out loss: ${loss.first.validLoss.toFixed(4)} at step ${formatInteger(loss.first.step)} -> ${loss.last.validLoss.toFixed(4)} at step ${formatInteger(loss.last.step)}, `
      + `lowest ${loss.lowest.validLoss.toFixed(4)} at step ${formatInteger(loss.lowest.step)}, ${loss.validations} ${plural(loss.validations, 'validation')}`
    : `  held-out loss: no validation points (${loss.validations} recorded)`);
  lines.push(`  duration: ${seconds(result.seconds)}`);
  return lines;
}

function seconds(s: number): string {
  return Number.isFinite(s) ? `${formatElapsed(s)} (${s.toFixed(1)} s)` : formatElapsed(s);
}
