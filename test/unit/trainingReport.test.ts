import * as assert from 'node:assert/strict';
import { DomUtils, parseDocument } from 'htmlparser2';
import type { ChildNode, Element } from 'domhandler';
import { niceStep, renderLossChart } from '../../src/training/report/lossChart';
import { renderTrainingReport } from '../../src/training/report/reportPage';
import { formatTrainingReportText } from '../../src/training/report/reportText';
import { figureRows, ReportLossPoint, TrainingReport } from '../../src/training/report/trainingReport';
import { sampleHistory, sampleReport } from './trainingReportSample';

const PAGE_OPTIONS = { nonce: 'r4nd0mN0nce', cspSource: 'https://file+.vscode-resource.vscode-cdn.net' };

function elements(markup: string, match: (e: Element) => boolean): Element[] {
  return DomUtils.findAll(match, parseDocument(markup).children as ChildNode[]);
}

function byClass(markup: string, name: string, className: string): Element[] {
  return elements(markup, (e) => e.name === name && (e.attribs.class ?? '').split(' ').includes(className));
}

/** The points of an SVG path: its "M x,y" and "L x,y" commands. */
function pathPoints(d: string): { command: string; x: number; y: number }[] {
  return [...d.matchAll(/([ML])(-?[\d.]+),(-?[\d.]+)/g)].map((m) => ({ command: m[1], x: Number(m[2]), y: Number(m[3]) }));
}

function withHistory(history: ReportLossPoint[]): TrainingReport {
  const report = sampleReport();
  return { ...report, result: { ...report.result, training: { ...report.result.training, history } } };
}

describe('fine-tuning report', () => {
  it('keeps file names, reasons, words and the model name as text, never markup', () => {
    const report = sampleReport();
    const hostile = '<script>alert(1)</script>.md';
    const reason = '<img src=x onerror=alert(2)>';
    report.model = '<b>gru</b>';
    report.result.heldOutFiles = [...report.result.heldOutFiles, hostile];
    report.result.trainFiles = [...report.result.trainFiles, 'a "quoted" & \'odd\' name.md'];
    report.result.decision = 'kept</p><script>alert(3)</script>';
    report.result.newWords = [{ word: '<svg onload=alert(4)>', count: 9 }];
    report.collected = { ...report.collected!, skipped: { ...report.collected!.skipped, [reason]: 2 } };
    report.result.training.stoppedBy = '<iframe>';

    const html = renderTrainingReport(report, PAGE_OPTIONS);
    assert.deepEqual(elements(html, (e) => ['script', 'img', 'b', 'iframe'].includes(e.name)).map((e) => e.name), []);
    assert.deepEqual(byClass(html, 'svg', 'loss-chart').length, 1, 'the only svg is the chart');
    assert.equal(elements(html, (e) => Object.keys(e.attribs).some((a) => a.startsWith('on'))).length, 0, 'no event handler attribute');
    const text = DomUtils.textContent(parseDocument(html));
    for (const s of [hostile, reason, '<b>gru</b>', 'kept</p><script>alert(3)</script>', '<svg onload=alert(4)>', '<iframe>', 'a "quoted" & \'odd\' name.md']) {
      assert.ok(text.includes(s), `${s} is shown as text`);
    }
  });

  it('has a strict Content-Security-Policy, one stylesheet with its nonce, and no script or inline style', () => {
    const html = renderTrainingReport(sampleReport(), PAGE_OPTIONS);
    const [meta, ...others] = elements(html, (e) => e.name === 'meta' && e.attribs['http-equiv'] === 'Content-Security-Policy');
    assert.equal(others.length, 0);
    const directives = new Map(meta.attribs.content.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    assert.deepEqual(directives.get('style-src'), [PAGE_OPTIONS.cspSource, `'nonce-${PAGE_OPTIONS.nonce}'`]);
    assert.ok(![...directives.keys()].some((d) => d.startsWith('script-src')));
    assert.ok(html.startsWith('<!DOCTYPE html>') && html.trimEnd().endsWith('</html>'));
    assert.equal(elements(html, (e) => e.name === 'script' || e.name === 'link').length, 0);
    assert.equal(elements(html, (e) => 'style' in e.attribs).length, 0, 'style attributes, which the policy blocks');
    const styles = elements(html, (e) => e.name === 'style');
    assert.deepEqual(styles.map((s) => s.attribs.nonce), [PAGE_OPTIONS.nonce]);
    const css = DomUtils.textContent(styles[0]);
    for (const variable of ['--vscode-foreground', '--vscode-editor-background', '--vscode-charts-blue', '--vscode-charts-orange']) {
      assert.ok(css.includes(`var(${variable})`), variable);
    }
    assert.throws(() => renderTrainingReport(sampleReport(), { ...PAGE_OPTIONS, nonce: `x' 'unsafe-inline` }), /nonce/);
  });

  it('draws one path per curve with a point per finite loss, higher losses higher up', () => {
    const history = sampleHistory(12, 25);
    const svg = renderLossChart(history, 4096);
    const [train] = byClass(svg, 'path', 'curve-train');
    const [heldOut] = byClass(svg, 'path', 'curve-held-out');
    assert.equal(byClass(svg, 'path', 'curve').length, 2);
    const trainPoints = pathPoints(train.attribs.d);
    const heldOutPoints = pathPoints(heldOut.attribs.d);
    assert.equal(trainPoints.length, 12, 'step 0 has no training loss');
    assert.equal(heldOutPoints.length, 13);
    assert.deepEqual(heldOutPoints.map((p) => p.command), ['M', ...new Array(12).fill('L')]);
    assert.ok(heldOutPoints.every((p, i) => i === 0 || p.x > heldOutPoints[i - 1].x), 'in step order, left to right');
    assert.ok(heldOutPoints[0].y < heldOutPoints[12].y, 'the falling held-out loss goes down the chart');
    assert.equal(byClass(svg, 'circle', 'marker-held-out').length, 13);
    const legend = DomUtils.textContent(byClass(svg, 'g', 'legend-item'));
    assert.ok(legend.includes('training loss') && legend.includes('held-out loss'));
    assert.ok(!legend.includes('sampled'));
    assert.match(DomUtils.textContent(byClass(renderLossChart(history, 4096, true), 'g', 'legend-item')), /training loss \(sampled softmax\)/,
      "a sampled softmax's training loss is not the full softmax's, and the legend says so");
    const labels = DomUtils.textContent(byClass(svg, 'text', 'axis-label'));
    assert.ok(labels.includes('training step (4,096 tokens a step)') && labels.includes('loss (nats per token)'));
    assert.ok(byClass(svg, 'text', 'tick').length >= 6, 'ticks on both axes');
    assert.doesNotMatch(svg, /NaN|Infinity/);
  });

  it('breaks a curve at a loss that is not a finite number and says so', () => {
    const history = sampleHistory(6, 10);
    history[3] = { ...history[3], validLoss: Infinity };
    history[4] = { ...history[4], trainLoss: NaN };
    const svg = renderLossChart(history);
    const heldOut = pathPoints(byClass(svg, 'path', 'curve-held-out')[0].attribs.d);
    assert.deepEqual(heldOut.map((p) => p.command), ['M', 'L', 'L', 'M', 'L', 'L']);
    assert.equal(pathPoints(byClass(svg, 'path', 'curve-train')[0].attribs.d).length, 5);
    const note = DomUtils.textContent(byClass(svg, 'p', 'chart-note'));
    assert.match(note, /1 training loss value, 1 held-out loss value/);
    assert.doesNotMatch(svg.replace(/<p[^]*<\/p>/, ''), /NaN|Infinity/);
  });

  it('shows a single validation and a flat line inside the plot', () => {
    const single = renderLossChart([{ step: 0, trainLoss: NaN, validLoss: 4.2 }]);
    assert.equal(byClass(single, 'path', 'curve-train').length, 0);
    const [point] = pathPoints(byClass(single, 'path', 'curve-held-out')[0].attribs.d);
    assert.ok(point.x > 56 && point.x < 620 && point.y > 34 && point.y < 256, `(${point.x}, ${point.y}) inside the plot`);
    assert.equal(byClass(single, 'circle', 'marker-held-out').length, 1);
    assert.match(DomUtils.textContent(byClass(single, 'g', 'legend-item')), /training loss \(no points\)/);
    assert.deepEqual(byClass(single, 'text', 'tick').map((t) => DomUtils.textContent(t)).filter((t) => !t.includes('.')), ['0'], 'one step tick, no made-up steps');

    const flat = renderLossChart([0, 10, 20].map((step) => ({ step, trainLoss: 3, validLoss: 3 })));
    const ys = pathPoints(byClass(flat, 'path', 'curve-held-out')[0].attribs.d).map((p) => p.y);
    assert.equal(new Set(ys).size, 1);
    assert.ok(ys[0] > 34 && ys[0] < 256);
    assert.doesNotMatch(single + flat, /NaN|Infinity/);
  });

  it('says there are no validation points instead of drawing an empty chart', () => {
    for (const history of [[], [{ step: 0, trainLoss: NaN, validLoss: NaN }]]) {
      const html = renderTrainingReport(withHistory(history), PAGE_OPTIONS);
      assert.equal(elements(html, (e) => e.name === 'svg').length, 0);
      assert.match(DomUtils.textContent(byClass(html, 'p', 'chart-note')), /No validation points/);
      assert.ok(formatTrainingReportText(withHistory(history)).some((line) => /no validation points/.test(line)));
    }
  });

  it('tabulates the figures before and after with their change', () => {
    const html = renderTrainingReport(sampleReport(), PAGE_OPTIONS);
    const [table] = byClass(html, 'table', 'figures');
    const rows = DomUtils.findAll((e) => e.name === 'tr', DomUtils.findAll((e) => e.name === 'tbody', table.children))
      .map((tr) => DomUtils.findAll((c) => c.name === 'th' || c.name === 'td', tr.children).map((c) => DomUtils.textContent(c).trim()));
    assert.deepEqual(rows, [
      ['Keystroke savings, Tab', '17.3%', '29.5%', '+12.2 points', 'better'],
      ['Keystroke savings, Tab or next word', '21.1%', '33.7%', '+12.7 points', 'better'],
      ['Perplexity (lower is better)', '112.43', '61.87', '-50.56 (-45.0%)', 'better'],
      ['Confidence gate chosen', '0.30', '0.25', '-0.05', ''],
    ]);
    const text = DomUtils.textContent(parseDocument(html));
    for (const s of ['166 files used of 238 seen', '31', 'ignored by .gitignore', '3 secrets removed', '12 words added', 'Kubernetes', '2m41s in all', '480 steps', 'the held-out loss stopped improving', 'Kept']) {
      assert.ok(text.includes(s), s);
    }
  });

  it('judges a change by the figures as shown and never shows an unknown figure as a number', () => {
    const same = figureRows({ perplexity: 50.001, ksr: 0.2104, ksrWord: 0.3, minConfidence: 0.3 }, { perplexity: 49.999, ksr: 0.2101, ksrWord: 0.29, minConfidence: 0.3 });
    assert.deepEqual(same.map((r) => [r.change, r.verdict]), [['0.0 points', 'same'], ['-1.0 points', 'worse'], ['0.00 (0.0%)', 'same'], ['0.00', 'neutral']]);
    const unknown = figureRows({ perplexity: Infinity, ksr: NaN, ksrWord: 0.3, minConfidence: 0.3 }, { perplexity: 40, ksr: 0.2, ksrWord: 0.3, minConfidence: NaN });
    const large = figureRows({ perplexity: 11571010.05, ksr: 0.1, ksrWord: 0.1, minConfidence: 0.3 }, { perplexity: 4.21, ksr: 0.1, ksrWord: 0.1, minConfidence: 0.3 })[2];
    assert.deepEqual([large.before, large.change], ['11,571,010.05', '-11,571,005.84 (-100.0%)']);
    assert.deepEqual(unknown.map((r) => [r.before, r.after, r.change]), [['n/a', '20.0%', 'n/a'], ['30.0%', '30.0%', '0.0 points'], ['n/a', '40.00', 'n/a'], ['0.30', 'n/a', 'n/a']]);
  });

  it('gives the same figures as log lines', () => {
    const lines = formatTrainingReportText(sampleReport());
    assert.deepEqual(lines.slice(0, 5), [
      'fine-tuning report (lstm): kept; kept: held-out perplexity 112.43 -> 61.87, ksr_word 21.05% -> 33.70%',
      '  Keystroke savings, Tab: 17.3% -> 29.5%, +12.2 points, better',
      '  Keystroke savings, Tab or next word: 21.1% -> 33.7%, +12.7 points, better',
      '  Perplexity (lower is better): 112.43 -> 61.87, -50.56 (-45.0%), better',
      '  Confidence gate chosen: 0.30 -> 0.25, -0.05',
    ]);
    const rest = lines.slice(5).join('\n');
    for (const s of ['166 used of 238 seen (162 training, 4 held out)', 'skipped: 31 excluded, 12 gitignored, 11 not-prose', '3 secrets removed',
      'new words: 12 (Kubernetes, Helm', '480 steps, 1,966,080 tokens (4,096 a step), 16,634 tokens/s', 'held-out loss: 4.6700 at step 0 -> ', 'duration: 2m41s (161.4 s)']) {
      assert.ok(rest.includes(s), s);
    }
    const given = { ...sampleReport(), collected: undefined };
    assert.ok(formatTrainingReportText(given).some((line) => line.startsWith('  files: 166 used (162 training, 4 held out)')));
  });

  it('puts ticks at round numbers', () => {
    assert.deepEqual([0.037, 0.18, 0.9, 1, 2.5, 7, 23].map(niceStep), [0.05, 0.2, 1, 1, 5, 10, 50]);
  });
});
