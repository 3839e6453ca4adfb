import { ReportLossPoint, TrainingReport } from '../../src/training/report/trainingReport';

/** Loss curves shaped like a fine-tuning run's: both falling fast then flattening, training loss noisier. */
export function sampleHistory(validations: number, stepsBetween: number): ReportLossPoint[] {
  return Array.from({ length: validations + 1 }, (_, i) => ({
    step: i * stepsBetween,
    trainLoss: i === 0 ? NaN : 3.55 + 1.1 * Math.exp(-i / 4) + 0.06 * Math.sin(i * 1.7),
    validLoss: 3.82 + 0.85 * Math.exp(-i / 5) + 0.004 * i,
  }));
}

/** A report with the figures a run on a docs workspace gives (invented for rendering, not measured). */
export function sampleReport(): TrainingReport {
  const trainFiles = Array.from({ length: 162 }, (_, i) => `docs/guide/chapter-${String(i + 1).padStart(3, '0')}.md`);
  const heldOutFiles = ['docs/guide/chapter-017.md', 'docs/api/overview.md', 'README.md', 'docs/deploy/kubernetes.md'];
  const words = ['Kubernetes', 'Helm', 'kubectl', 'sidecar', 'Quuxbridge', 'Frobnicator', 'autoscaler', 'ingress', 'namespace', 'Grafana', 'Prometheus', 'etcd'];
  return {
    model: 'lstm',
    result: {
      kept: true,
      decision: 'kept: held-out perplexity 112.43 -> 61.87, ksr_word 21.05% -> 33.70%',
      seconds: 161.4,
      trainFiles,
      heldOutFiles,
      newWords: words.map((word, i) => ({ word, count: 400 - i * 23, files: 30 - i })),
      before: { perplexity: 112.43, ksr: 0.1734, ksrWord: 0.2105, minConfidence: 0.3 },
      after: { perplexity: 61.87, ksr: 0.2951, ksrWord: 0.337, minConfidence: 0.25 },
      heldOutTokens: 20_000,
      heldOutCharacters: 4_000,
      training: { steps: 480, tokens: 1_966_080, seconds: 118.2, tokensPerSecond: 16_634, stoppedBy: 'converged', history: sampleHistory(24, 20) },
    },
    collected: {
      filesSeen: 238,
      skipped: { excluded: 31, gitignored: 12, 'secret-file': 4, binary: 9, 'not-utf8': 1, minified: 2, 'too-large': 1, 'not-prose': 11, empty: 1 },
      redactions: 3,
      truncated: false,
    },
  };
}
