import { escapeHtml } from '../../util/html';
import { renderLossChart } from './lossChart';
import {
  figureRows, filesUsed, formatElapsed, formatFixed, formatInteger, lossSummary, plural, skipRows, stopReasonText, tokensPerStep, topNewWords, TrainingReport, Verdict,
} from './trainingReport';

export interface ReportPageOptions {
  /** A fresh random value per page: the one inline stylesheet carries it, so the policy allows no other style. */
  nonce: string;
  /** The webview's `cspSource`. */
  cspSource: string;
}

const VERDICT_WORDS: Record<Verdict, string> = { better: 'better', worse: 'worse', same: 'no change', neutral: '' };

/** New words shown by name; the rest are counted. */
const NEW_WORDS_SHOWN = 60;
/** File names listed per list; the rest are counted (a workspace can hold thousands). */
const FILES_SHOWN = 500;

/**
 * The fine-tuning report as a complete HTML page for a webview: no script at all (the policy forbids any), one
 * stylesheet in the theme's colours, and every text from outside (file names, words, reasons, the model's
 * name) escaped.
 */
export function renderTrainingReport(report: TrainingReport, options: ReportPageOptions): string {
  if (!/^[A-Za-z0-9+/=_-]+$/.test(options.nonce)) throw new Error('the report page needs a base64 or hex nonce');
  const policy = `default-src 'none'; style-src ${options.cspSource} 'nonce-${options.nonce}'`;
  const title = `Fine-tuning report: ${report.model}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(policy)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style nonce="${escapeHtml(options.nonce)}">${STYLES}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${verdictSection(report)}
${figuresSection(report)}
${lossSection(report)}
<div class="columns">
${filesSection(report)}
${wordsSection(report)}
</div>
${runSection(report)}
</main>
</body>
</html>
`;
}

function verdictSection(r: TrainingReport): string {
  const heading = r.result.kept ? 'Kept: the fine-tuned model replaces the previous one' : 'Not kept: the previous model is unchanged';
  return `<section class="verdict ${r.result.kept ? 'kept' : 'not-kept'}">
<p class="verdict-heading">${heading}</p>
<p>${escapeHtml(r.result.decision)}</p>
</section>`;
}

function figuresSection(r: TrainingReport): string {
  const rows = figureRows(r.result.before, r.result.after).map((row) => `<tr>
<th scope="row">${escapeHtml(row.label)}</th><td>${row.before}</td><td>${row.after}</td>
<td class="change ${row.verdict}">${row.change}</td><td class="change-word ${row.verdict}">${VERDICT_WORDS[row.verdict]}</td>
</tr>`).join('\n');
  return `<section>
<h2>On the held-out files</h2>
<table class="figures">
<thead><tr><th scope="col"></th><th scope="col">Before</th><th scope="col">After</th><th scope="col" colspan="2">Change</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p class="note">Measured on ${formatInteger(r.result.heldOutTokens)} tokens (perplexity) and ${formatInteger(r.result.heldOutCharacters)} characters typed through the suggestion engine (keystroke savings) of ${r.result.heldOutFiles.length} held-out ${plural(r.result.heldOutFiles.length, 'file')}; "before" is the previous model with the new words added.</p>
</section>`;
}

function lossSection(r: TrainingReport): string {
  const history = r.result.training.history;
  const summary = lossSummary(history);
  const rows = history.map((p) => `<tr><td>${formatInteger(p.step)}</td><td>${formatFixed(p.trainLoss, 4)}</td><td>${formatFixed(p.validLoss, 4)}</td></tr>`).join('\n');
  const lowest = summary.lowest
    ? `<p class="note">Lowest held-out loss ${summary.lowest.validLoss.toFixed(4)} at step ${formatInteger(summary.lowest.step)}, of ${summary.validations} ${plural(summary.validations, 'validation')}.</p>`
    : '';
  const table = history.length === 0 ? '' : `<details>
<summary>Loss values</summary>
<table class="losses">
<thead><tr><th scope="col">Step</th><th scope="col">Training loss</th><th scope="col">Held-out loss</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</details>`;
  return `<section>
<h2>Loss</h2>
${renderLossChart(history, tokensPerStep(r.result.training), (r.result.training.sampledClasses ?? 0) > 0)}
${lowest}
${table}
</section>`;
}

function filesSection(r: TrainingReport): string {
  const used = filesUsed(r.result);
  const seen = r.collected ? ` of ${formatInteger(r.collected.filesSeen)} seen` : '';
  const skipped = r.collected ? skippedList(r.collected.skipped) : '<p class="note">The files were given to the run, not collected from the workspace: nothing is known of skipped files.</p>';
  const facts = [
    `<li>${formatInteger(used)} ${plural(used, 'file')} used${seen}: ${formatInteger(r.result.trainFiles.length)} to train on, ${formatInteger(r.result.heldOutFiles.length)} held out</li>`,
    r.collected ? `<li>${formatInteger(r.collected.redactions)} ${plural(r.collected.redactions, 'secret')} removed before training</li>` : '',
    r.collected?.truncated ? '<li>The file limit stopped the collection before the whole workspace was seen.</li>' : '',
  ].filter((line) => line !== '').join('\n');
  return `<section>
<h2>Files</h2>
<ul class="facts">
${facts}
</ul>
${skipped}
${fileList('Held-out files', r.result.heldOutFiles, true)}
${fileList('Training files', r.result.trainFiles, false)}
</section>`;
}

function skippedList(skipped: Readonly<Record<string, number>>): string {
  const rows = skipRows(skipped);
  if (rows.length === 0) return '<p class="note">No file was skipped.</p>';
  return `<table class="skipped">
<thead><tr><th scope="col">Skipped</th><th scope="col">Reason</th></tr></thead>
<tbody>
${rows.map((row) => `<tr><td>${formatInteger(row.count)}</td><td>${escapeHtml(row.label)}</td></tr>`).join('\n')}
</tbody>
</table>
<p class="note">A skipped folder counts once.</p>`;
}

function wordsSection(r: TrainingReport): string {
  const count = r.result.newWords.length;
  if (count === 0) return '<section>\n<h2>New words</h2>\n<p class="note">No new words: the vocabulary already held every frequent word of the training files.</p>\n</section>';
  const shown = topNewWords(r.result, NEW_WORDS_SHOWN);
  const more = count > shown.length ? `<li class="more">and ${formatInteger(count - shown.length)} more</li>` : '';
  return `<section>
<h2>New words</h2>
<p>${formatInteger(count)} ${plural(count, 'word')} added to the vocabulary, most frequent first:</p>
<ul class="words">
${shown.map((word) => `<li>${escapeHtml(word)}</li>`).join('\n')}
${more}
</ul>
</section>`;
}

function runSection(r: TrainingReport): string {
  const t = r.result.training;
  const perStep = tokensPerStep(t);
  return `<section>
<h2>Run</h2>
<table class="run">
<tbody>
<tr><th scope="row">Duration</th><td>${formatElapsed(r.result.seconds)} in all, ${formatElapsed(t.seconds)} of it training</td></tr>
<tr><th scope="row">Training</th><td>${formatInteger(t.steps)} ${plural(t.steps, 'step')}, ${formatInteger(t.tokens)} tokens${perStep ? ` (${formatInteger(perStep)} a step)` : ''}, ${formatInteger(t.tokensPerSecond)} tokens/s</td></tr>
<tr><th scope="row">Stopped because</th><td>${escapeHtml(stopReasonText(t.stoppedBy))}</td></tr>
</tbody>
</table>
</section>`;
}


function fileList(heading: string, files: readonly string[], open: boolean): string {
  if (files.length === 0) return '';
  const shown = files.slice(0, FILES_SHOWN);
  const more = files.length > shown.length ? `<li class="more">and ${formatInteger(files.length - shown.length)} more</li>` : '';
  return `<details${open ? ' open' : ''}>
<summary>${heading} (${formatInteger(files.length)})</summary>
<ul class="files">
${shown.map((file) => `<li>${escapeHtml(file)}</li>`).join('\n')}
${more}
</ul>
</details>`;
}

const STYLES = `
body {
  color: var(--vscode-foreground);
  background: var(--vscode-editor-background);
  font-family: var(--vscode-font-family);
  font-size: var(--vscode-font-size);
  line-height: 1.45;
  margin: 0;
  padding: 16px 24px 32px;
}
main { max-width: 920px; }
h1 { font-size: 1.5em; font-weight: 600; margin: 0 0 12px; }
h2 { font-size: 1.1em; font-weight: 600; margin: 0 0 8px; }
section { margin: 0 0 24px; }
p { margin: 0 0 8px; }
.note, .chart-note { color: var(--vscode-descriptionForeground); }
.chart-empty { padding: 12px; border: 1px dashed var(--vscode-widget-border, var(--vscode-descriptionForeground)); }
.verdict { padding: 10px 14px; border-left: 4px solid; background: var(--vscode-textBlockQuote-background); }
.verdict.kept { border-color: var(--vscode-charts-green); }
.verdict.not-kept { border-color: var(--vscode-charts-yellow); }
.verdict-heading { font-weight: 600; }
.verdict p:last-child { margin: 0; }
table { border-collapse: collapse; }
th, td { text-align: left; padding: 4px 12px 4px 0; vertical-align: top; }
thead th { font-weight: 600; border-bottom: 1px solid var(--vscode-widget-border, var(--vscode-descriptionForeground)); }
tbody th { font-weight: normal; }
.figures td, .losses td, .skipped td:first-child { font-variant-numeric: tabular-nums; text-align: right; }
.figures thead th:not(:first-child), .losses thead th, .skipped thead th:first-child { text-align: right; }
.figures thead th[colspan] { text-align: left; padding-left: 16px; }
.figures td { padding-left: 16px; }
.figures td.change-word { text-align: left; padding-left: 0; }
.better { color: var(--vscode-charts-green); }
.worse { color: var(--vscode-charts-red); }
.loss-chart { width: 100%; max-width: 720px; height: auto; display: block; margin: 4px 0 8px; }
.loss-chart text { fill: var(--vscode-foreground); font-family: var(--vscode-font-family); }
.loss-chart .tick { font-size: 11px; fill: var(--vscode-descriptionForeground); }
.loss-chart .axis-label, .loss-chart .legend { font-size: 12px; }
.loss-chart .axis { stroke: var(--vscode-descriptionForeground); stroke-width: 1; }
.loss-chart .grid { stroke: var(--vscode-foreground); stroke-opacity: 0.12; stroke-width: 1; }
.loss-chart .curve { fill: none; stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }
.loss-chart .curve-train { stroke: var(--vscode-charts-blue); }
.loss-chart .curve-held-out { stroke: var(--vscode-charts-orange); stroke-dasharray: 6 4; }
.loss-chart .marker-train { fill: var(--vscode-charts-blue); }
.loss-chart .marker-held-out { fill: var(--vscode-charts-orange); }
details { margin: 8px 0; }
summary { cursor: pointer; color: var(--vscode-textLink-foreground); }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 0 32px; }
ul.facts { margin: 0 0 8px; padding-left: 18px; }
ul.files { margin: 4px 0; padding-left: 18px; font-family: var(--vscode-editor-font-family); font-size: 0.95em; max-height: 240px; overflow: auto; }
ul.words { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 4px; }
ul.words li { padding: 1px 6px; border-radius: 3px; background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
ul.words li.more, ul.files li.more { background: none; color: var(--vscode-descriptionForeground); list-style: none; }
`;
