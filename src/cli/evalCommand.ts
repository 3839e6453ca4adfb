import { KneserNeyTrigram } from '../baseline/kneserNey';
import { RuntimeKind } from '../inference/runtime';
import { encodeDocument, wordCandidates } from '../model/encoding';
import { createKernels } from '../model/kernels/createKernels';
import { loadModel, ModelFormatError, readVerifiedFile } from '../model/modelFiles';
import { measureSavings } from '../evaluation/engineSavings';
import { KneserNeyScorer } from '../evaluation/kneserNeyScorer';
import { LanguageFigures, measureLanguage } from '../evaluation/languageMeasures';
import { ModelScorer } from '../evaluation/modelScorer';
import { loadBaselineEngine, loadSuggestionEngine } from '../suggestion/loadEngine';
import { readTextFile } from '../training/textContent';

export interface EvalCommandOptions {
  model: string;
  text: string;
  json?: boolean;
  kernels: string;
  runtime: RuntimeKind;
  minConfidence?: number;
  ksr: boolean;
}

interface Figures extends LanguageFigures {
  ksr: number | null;
  ksrWord: number | null;
}

/** shared/EVAL.md's `eval`: the model's figures beside its Kneser-Ney trigram's on one text. */
export async function runEval(o: EvalCommandOptions): Promise<void> {
  const text = await readTextFile(o.text);
  if (text.trim() === '') throw new Error(`${o.text} is empty: nothing to measure`);
  const kernels = await createKernels(o.kernels);
  let ours: Figures, theirs: Figures;
  try {
    const { manifest, model, vocabulary } = await loadModel(o.model, kernels);
    const baselineEntry = manifest.files.baseline;
    if (!baselineEntry) throw new ModelFormatError(o.model, 'it holds no Kneser-Ney baseline (retrain it with this version)');
    const baseline = KneserNeyTrigram.deserialize(await readVerifiedFile(o.model, baselineEntry, 'baseline'));
    const document = encodeDocument(text, vocabulary);
    const candidates = wordCandidates(vocabulary);
    ours = { ...measureLanguage([document], new ModelScorer(model, vocabulary.eosId), candidates, vocabulary.unkId), ksr: null, ksrWord: null };
    theirs = { ...measureLanguage([document], new KneserNeyScorer(baseline), candidates, vocabulary.unkId), ksr: null, ksrWord: null };
  } finally {
    kernels.dispose();
  }
  if (o.ksr) {
    // Keystroke savings go through the very engine the editor uses: runtime, state cache, policy and gate.
    const loaded = await loadSuggestionEngine(o.model, o.runtime, o.minConfidence === undefined ? {} : { minConfidence: o.minConfidence });
    try {
      Object.assign(ours, await measureSavings(loaded.engine, [text]));
      Object.assign(theirs, await measureSavings(await loadBaselineEngine(o.model, loaded.manifest, loaded.engine.options), [text]));
    } finally {
      await loaded.runtime.dispose();
    }
  }
  const chars = [...text].length;
  if (!o.json) {
    const percent = (x: number | null) => (x === null ? '     -' : `${(x * 100).toFixed(2).padStart(6)}%`);
    const row = (name: string, f: Figures) => `${name.padEnd(6)} perplexity ${f.perplexity.toFixed(2).padStart(9)}   top-1 ${percent(f.top1)}   top-3 ${percent(f.top3)}   ksr ${percent(f.ksr)}   ksr_word ${percent(f.ksrWord)}`;
    process.stdout.write(`${o.text}: ${ours.tokens} tokens (${(ours.oovRate * 100).toFixed(2)}% out of vocabulary), ${ours.wordBoundaries} word boundaries, ${chars} characters\n`);
    process.stdout.write(row('model', ours) + '\n' + row('kn3', theirs) + '\n');
  } else {
    process.stdout.write(JSON.stringify({
      perplexity: ours.perplexity, oov_rate: ours.oovRate, top1: ours.top1, top3: ours.top3, ksr: ours.ksr, ksr_word: ours.ksrWord,
      tokens: ours.tokens, chars,
      baseline: { name: 'kn3', perplexity: theirs.perplexity, top1: theirs.top1, top3: theirs.top3, ksr: theirs.ksr, ksr_word: theirs.ksrWord },
    }) + '\n');
  }
}
