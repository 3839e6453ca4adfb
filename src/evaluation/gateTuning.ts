import { Suggester } from '../suggestion/engine';
import { keystrokeSavings } from './keystrokes';

export interface GateRow {
  minConfidence: number;
  ksr: number;
  /** Suggestions shown per 100 characters typed: the noise a writer sees. */
  shownPer100: number;
}

export const GATE_CANDIDATES = [0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5];
/** Savings a higher gate may give up for showing fewer suggestions. */
export const GATE_TOLERANCE = 0.005;

/**
 * Chooses the confidence gate by measured keystroke savings (ksr_word, shared/EVAL.md) on held-out text.
 * The simulated user pays nothing for a wrong suggestion, so savings only grow as the gate falls; a real
 * writer pays attention for each one (Koester and Levine 1994). So the chosen gate is the HIGHEST one whose
 * savings are within half a point of the best measured: nearly all the savings, the fewest distractions.
 */
export async function tuneConfidenceGate(engine: Suggester, texts: readonly string[], candidates = GATE_CANDIDATES): Promise<{ chosen: number; rows: GateRow[] }> {
  const saved = engine.options;
  const rows: GateRow[] = [];
  try {
    for (const minConfidence of candidates) {
      engine.options = { ...saved, minConfidence };
      let keystrokes = 0, characters = 0, shown = 0;
      for (const [i, text] of texts.entries()) {
        const document = `gate-${minConfidence}-${i}`;
        const figures = await keystrokeSavings(text, (before) => engine.suggest({ document, textBeforeCursor: before }), true);
        engine.forget(document);
        keystrokes += figures.keystrokes;
        characters += figures.characters;
        shown += figures.shown;
      }
      rows.push({ minConfidence, ksr: 1 - keystrokes / Math.max(1, characters), shownPer100: (100 * shown) / Math.max(1, characters) });
    }
  } finally {
    engine.options = saved;
  }
  const best = Math.max(...rows.map((r) => r.ksr));
  const chosen = Math.max(...rows.filter((r) => r.ksr >= best - GATE_TOLERANCE).map((r) => r.minConfidence));
  return { chosen, rows };
}
