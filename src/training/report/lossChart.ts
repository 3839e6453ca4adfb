import { formatInteger, plural, ReportLossPoint } from './trainingReport';

/**
 * The loss curves of a fine-tuning run as inline SVG: training and held-out loss against the training step.
 * Colours come from CSS classes (the page styles them with the theme's chart colours); the held-out curve is
 * also dashed, so the two differ without colour too.
 */

export interface LossCurve {
  /** CSS class suffix and legend order. */
  key: 'train' | 'held-out';
  label: string;
  /** breakAfterGap: a validation without a finite loss comes just before, so the line is not drawn across it. */
  points: { step: number; loss: number; breakAfterGap: boolean }[];
  /** Validations whose loss was NaN or infinite, left out of the curve; step 0 has no training loss by design and is not counted. */
  notFinite: number;
}

const WIDTH = 640;
const HEIGHT = 300;
const MARGIN = { left: 56, right: 20, top: 34, bottom: 44 };
const PLOT_WIDTH = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_HEIGHT = HEIGHT - MARGIN.top - MARGIN.bottom;
const X_TICKS = 6;
const Y_TICKS = 5;

/**
 * The two curves, each over the validations where its loss is a finite number, in step order. A sampled
 * softmax's training loss is over the sampled classes, below what the full softmax would give: its label says so.
 */
export function lossCurves(history: readonly ReportLossPoint[], sampledSoftmax = false): LossCurve[] {
  const ordered = [...history].sort((a, b) => a.step - b.step);
  const curve = (key: LossCurve['key'], label: string, loss: (p: ReportLossPoint) => number): LossCurve => {
    const points: LossCurve['points'] = [];
    let notFinite = 0, gap = false;
    for (const p of ordered) {
      if (Number.isFinite(loss(p)) && Number.isFinite(p.step)) {
        points.push({ step: p.step, loss: loss(p), breakAfterGap: gap && points.length > 0 });
        gap = false;
      } else {
        gap = true;
        if (!(key === 'train' && p.step === 0)) notFinite++;
      }
    }
    return { key, label, points, notFinite };
  };
  return [curve('train', sampledSoftmax ? 'training loss (sampled softmax)' : 'training loss', (p) => p.trainLoss), curve('held-out', 'held-out loss', (p) => p.validLoss)];
}

/**
 * The chart as an `<svg>` element (followed by a note when some losses were not finite numbers), or, when no
 * validation has a finite loss, a note that says so: notes are paragraphs of class "chart-note".
 * `tokensPerStep` labels the step axis with the text a step reads.
 */
export function renderLossChart(history: readonly ReportLossPoint[], tokensPerStep?: number, sampledSoftmax = false): string {
  const curves = lossCurves(history, sampledSoftmax);
  const all = curves.flatMap((c) => c.points);
  if (all.length === 0) {
    const why = history.length === 0
      ? 'No validation points were recorded, so there are no loss curves to draw.'
      : `No validation points with a finite loss (${history.length} recorded, none a finite number), so there are no loss curves to draw.`;
    return `<p class="chart-note chart-empty">${why}</p>`;
  }
  const steps = all.map((p) => p.step);
  const x = linearScale(Math.min(0, ...steps), Math.max(...steps), MARGIN.left, MARGIN.left + PLOT_WIDTH, X_TICKS, { integer: true, extend: false });
  const losses = all.map((p) => p.loss);
  const y = linearScale(Math.min(...losses), Math.max(...losses), MARGIN.top + PLOT_HEIGHT, MARGIN.top, Y_TICKS, { integer: false, extend: true });

  const xLabel = tokensPerStep ? `training step (${formatInteger(tokensPerStep)} tokens a step)` : 'training step';
  const parts: string[] = [
    `<svg class="loss-chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="loss-chart-title">`,
    '<title id="loss-chart-title">Training and held-out loss by training step</title>',
    ...y.ticks.map((t) => `<line class="grid" x1="${MARGIN.left}" x2="${MARGIN.left + PLOT_WIDTH}" y1="${round(y.map(t))}" y2="${round(y.map(t))}"/>`),
    `<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + PLOT_HEIGHT}"/>`,
    `<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left + PLOT_WIDTH}" y1="${MARGIN.top + PLOT_HEIGHT}" y2="${MARGIN.top + PLOT_HEIGHT}"/>`,
    ...y.ticks.map((t) => `<text class="tick" x="${MARGIN.left - 6}" y="${round(y.map(t))}" text-anchor="end" dominant-baseline="middle">${y.format(t)}</text>`),
    ...x.ticks.map((t) => `<line class="axis" x1="${round(x.map(t))}" x2="${round(x.map(t))}" y1="${MARGIN.top + PLOT_HEIGHT}" y2="${MARGIN.top + PLOT_HEIGHT + 4}"/>`
      + `<text class="tick" x="${round(x.map(t))}" y="${MARGIN.top + PLOT_HEIGHT + 16}" text-anchor="middle">${x.format(t)}</text>`),
    `<text class="axis-label" x="${MARGIN.left + PLOT_WIDTH / 2}" y="${HEIGHT - 6}" text-anchor="middle">${xLabel}</text>`,
    `<text class="axis-label" transform="translate(14 ${MARGIN.top + PLOT_HEIGHT / 2}) rotate(-90)" text-anchor="middle">loss (nats per token)</text>`,
    ...curves.filter((c) => c.points.length > 0).map((c) => curveMarkup(c, x.map, y.map)),
    legend(curves),
    '</svg>',
  ];
  const gaps = curves.filter((c) => c.notFinite > 0).map((c) => `${c.notFinite} ${c.label} ${plural(c.notFinite, 'value')}`);
  if (gaps.length > 0) parts.push(`<p class="chart-note">Left out of the chart as not finite numbers (NaN or infinite): ${gaps.join(', ')}.</p>`);
  return parts.join('\n');
}

/**
 * One path per curve (a single "M x,y" for one point; a new "M" after a gap) and a marker at every point, so
 * one point still shows.
 */
function curveMarkup(curve: LossCurve, x: (v: number) => number, y: (v: number) => number): string {
  const d = curve.points.map((p, i) => `${i === 0 || p.breakAfterGap ? 'M' : 'L'}${round(x(p.step))},${round(y(p.loss))}`).join(' ');
  const path = `<path class="curve curve-${curve.key}" d="${d}"/>`;
  // A lone point has no line to show it: a larger dot.
  const radius = curve.points.length === 1 ? 4 : 2.5;
  const markers = curve.points.map((p) => `<circle class="marker marker-${curve.key}" cx="${round(x(p.step))}" cy="${round(y(p.loss))}" r="${radius}">`
    + `<title>${curve.label} ${p.loss.toFixed(3)} at step ${formatInteger(p.step)}</title></circle>`);
  return [path, ...markers].join('\n');
}

function legend(curves: readonly LossCurve[]): string {
  let left = MARGIN.left;
  const items = curves.map((c) => {
    const label = c.points.length > 0 ? c.label : `${c.label} (no points)`;
    const item = `<g class="legend-item"><line class="curve curve-${c.key}" x1="${left}" x2="${left + 22}" y1="14" y2="14"/>`
      + `<text class="legend" x="${left + 28}" y="14" dominant-baseline="middle">${label}</text></g>`;
    left += 28 + label.length * 6.5 + 24;
    return item;
  });
  return items.join('\n');
}

interface Scale {
  map(value: number): number;
  ticks: number[];
  format(value: number): string;
}

/**
 * A linear scale from [lo, hi] to pixels with ticks at round numbers (1, 2 or 5 times a power of ten). A flat
 * range (one point, a flat line) is widened around its value, which is then in the middle. `extend` widens the
 * domain a little, then to the outer ticks.
 */
function linearScale(lo: number, hi: number, from: number, to: number, tickCount: number, o: { integer: boolean; extend: boolean }): Scale {
  const flat = hi - lo <= 1e-12 * Math.max(1, Math.abs(hi));
  const centre = lo;
  if (flat) {
    const pad = o.integer ? 1 : Math.max(0.05, Math.abs(hi) * 0.05);
    lo -= pad;
    hi += pad;
  }
  if (o.extend) {
    // A little room, so that the lowest and highest points do not sit on the frame.
    const room = (hi - lo) * 0.04;
    lo = lo >= 0 ? Math.max(0, lo - room) : lo - room;
    hi += room;
  }
  let step = niceStep((hi - lo) / tickCount);
  if (o.integer) step = Math.max(1, step);
  if (o.extend) {
    lo = Math.floor(lo / step + 1e-9) * step;
    hi = Math.ceil(hi / step - 1e-9) * step;
  }
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const ticks: number[] = [];
  // Steps are whole numbers: a single one gets its own tick only, not made-up neighbours such as -1.
  if (flat && o.integer) ticks.push(centre);
  else for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) ticks.push(Number((k * step).toFixed(decimals)));
  return {
    map: (v) => from + ((v - lo) / (hi - lo)) * (to - from),
    ticks,
    format: (v) => (o.integer ? formatInteger(v) : v.toFixed(decimals)),
  };
}

/** The round step nearest above `raw`: 1, 2 or 5 times a power of ten. */
export function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalised = raw / magnitude;
  return (normalised <= 1 ? 1 : normalised <= 2 ? 2 : normalised <= 5 ? 5 : 10) * magnitude;
}

function round(v: number): string {
  return (Math.round(v * 10) / 10).toString();
}
