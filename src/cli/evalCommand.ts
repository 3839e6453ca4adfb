import { promises as fs } from 'node:fs';
import { KneserNeyTrigram } from '../baseline/kneserNey';
import { encodeDocument, wordCandidates } from '../model/encoding';
import { createKernels } from '../model/kernels/createKernels';
import { loadModel, ModelFormatError, readVerifiedFile } from '../model/modelFiles';
import { KneserNeyScorer } from '../evaluation/kneserNeyScorer';
import { LanguageFigures, measureLanguage } from '../evaluation/languageMeasures';
import { ModelScorer } from '../evaluation/modelScorer';

export interface EvalCommandOptions {
  model: string;
  text: string;
  json?: boolean;
  kernels: string;
}

/** shared/EVAL.md's `eval`: the model's figures beside its Kneser-Ney trigram's on one text. */
export async function runEval(o: EvalCommandOptions): Promise<void> {
  const text = await fs.readFile(o.text, 'utf8');
  const kernels = await createKernels(o.kernels);
  try {
    const { manifest, model, vocabulary } = await loadModel(o.model, kernels);
    const baselineEntry = manifest.files.baseline;
    if (!baselineEntry) throw new ModelFormatError(o.model, 'it holds no Kneser-Ney baseline (retrain it with this version)');
    const baseline = KneserNeyTrigram.deserialize(await readVerifiedFile(o.model, baselineEntry, 'baseline'));
    const document = encodeDocument(text, vocabulary);
    const candidates = wordCandidates(vocabulary);
    const ours = measureLanguage([document], new ModelScorer(model, vocabulary.eosId), candidates, vocabulary.unkId);
    const theirs = measureLanguage([document], new KneserNeyScorer(baseline), candidates, vocabulary.unkId);
    const chars = [...text].length;
    if (!o.json) {
      const row = (name: string, f: LanguageFigures) =>
        `${name.padEnd(8)} perplexity ${f.perplexity.toFixed(2).padStart(9)}   top-1 ${(f.top1 * 100).toFixed(2).padStart(6)}%   top-3 ${(f.top3 * 100).toFixed(2).padStart(6)}%`;
      process.stdout.write(`${o.text}: ${ours.tokens} tokens (${(ours.oovRate * 100).toFixed(2)}% out of vocabulary), ${ours.wordBoundaries} word boundaries, ${chars} characters\n`);
      process.stdout.write(row(manifest.config.cell, ours) + '\n' + row('kn3', theirs) + '\n');
    }
    // ksr and ksr_word join when the suggestion engine exists (shared/EVAL.md); null until then.
    const line = {
      perplexity: ours.perplexity, oov_rate: ours.oovRate, top1: ours.top1, top3: ours.top3, ksr: null, ksr_word: null,
      tokens: ours.tokens, chars,
      baseline: { name: 'kn3', perplexity: theirs.perplexity, top1: theirs.top1, top3: theirs.top3, ksr: null, ksr_word: null },
    };
    if (o.json) process.stdout.write(JSON.stringify(line) + '\n');
  } finally {
    kernels.dispose();
  }
}
