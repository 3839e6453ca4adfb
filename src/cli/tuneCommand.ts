import { RuntimeKind } from '../inference/runtime';
import { readManifest, updateManifest } from '../model/modelFiles';
import { tuneConfidenceGate } from '../evaluation/gateTuning';
import { codePointLength } from '../evaluation/keystrokes';
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
  const tuned = await tuneGate(o.model, texts, o.runtime, (line) => process.stdout.write(line + '\n'));
  if (o.write) {
    await writeGate(o.model, tuned);
    process.stdout.write(`wrote minConfidence ${tuned.minConfidence} (ksr_word ${(tuned.ksrWord * 100).toFixed(2)}%) into ${o.model}\n`);
  }
}

export interface TunedGate {
  minConfidence: number;
  /** Keystroke savings (Tab or accept-next-word) at that gate on the tuning text, and that text's length. */
  ksrWord: number;
  characters: number;
}

/** Runs the sweep through the model's own engine, printing a row a gate; returns the chosen gate and its savings. */
export async function tuneGate(model: string, texts: string[], runtime: RuntimeKind, print: (line: string) => void): Promise<TunedGate> {
  const loaded = await loadSuggestionEngine(model, runtime);
  try {
    const { chosen, rows } = await tuneConfidenceGate(loaded.engine, texts);
    for (const row of rows) {
      print(`gate ${row.minConfidence.toFixed(2)}: ksr_word ${(row.ksr * 100).toFixed(2)}%, ${row.shownPer100.toFixed(1)} suggestions shown per 100 characters${row.minConfidence === chosen ? '  <- chosen' : ''}`);
    }
    return { minConfidence: chosen, ksrWord: rows.find((row) => row.minConfidence === chosen)!.ksr, characters: texts.reduce((n, text) => n + codePointLength(text), 0) };
  } finally {
    await loaded.runtime.dispose();
  }
}

/**
 * Stores a tuned gate in a model's manifest, with the savings measured at it (what Choose Model shows as the
 * model's keystroke savings).
 */
export async function writeGate(model: string, tuned: TunedGate): Promise<void> {
  const manifest = await readManifest(model);
  await updateManifest(model, {
    policy: { ...manifest.policy, minConfidence: tuned.minConfidence },
    training: { ...manifest.training, figures: { ...manifest.training.figures, ksrWord: tuned.ksrWord, ksrCharacters: tuned.characters } },
  });
}
