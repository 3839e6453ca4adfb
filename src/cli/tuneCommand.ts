import { RuntimeKind } from '../inference/runtime';
import { readManifest, updateManifest } from '../model/modelFiles';
import { tuneConfidenceGate } from '../evaluation/gateTuning';
import { loadSuggestionEngine } from '../suggestion/loadEngine';
import { readTextFile } from '../training/textContent';

export interface TuneCommandOptions {
  model: string;
  text: string[];
  runtime: RuntimeKind;
  write?: boolean;
}

/** `tune`: measures keystroke savings for each confidence gate on held-out text; --write stores the choice. */
export async function runTune(o: TuneCommandOptions): Promise<void> {
  const texts = await Promise.all(o.text.map(readTextFile));
  // A gate chosen on no text would be the sweep's last, and --write would store it.
  if (texts.every((text) => text.trim() === '')) throw new Error(`${o.text.join(', ')}: no text to tune the gate on`);
  const minConfidence = await tuneGate(o.model, texts, o.runtime, (line) => process.stdout.write(line + '\n'));
  if (o.write) {
    const manifest = await readManifest(o.model);
    await updateManifest(o.model, { policy: { ...manifest.policy, minConfidence } });
    process.stdout.write(`wrote minConfidence ${minConfidence} into ${o.model}\n`);
  }
}

/** Runs the sweep through the model's own engine, printing a row a gate; returns the chosen gate. */
export async function tuneGate(model: string, texts: string[], runtime: RuntimeKind, print: (line: string) => void): Promise<number> {
  const loaded = await loadSuggestionEngine(model, runtime);
  try {
    const { chosen, rows } = await tuneConfidenceGate(loaded.engine, texts);
    for (const row of rows) {
      print(`gate ${row.minConfidence.toFixed(2)}: ksr_word ${(row.ksr * 100).toFixed(2)}%, ${row.shownPer100.toFixed(1)} suggestions shown per 100 characters${row.minConfidence === chosen ? '  <- chosen' : ''}`);
    }
    return chosen;
  } finally {
    await loaded.runtime.dispose();
  }
}
