import { Suggester } from '../suggestion/engine';
import { typeThrough } from './engineSavings';
import { TypedText } from './keystrokes';

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
 * The gates are tried from the lowest up, and the sweep stops at the first that falls out of that band: the
 * ones above it save less still, and are not worth typing the text again for.
 */
export async function tuneConfidenceGate(engine: Suggester, texts: readonly TypedText[], candidates = GATE_CANDIDATES): Promise<{ chosen: number; rows: GateRow[] }> {
  const saved = engine.options;
  const rows: GateRow[] = [];
  try {
    for (const minConfidence of [...candidates].sort((a, b) => a - b)) {
      engine.options = { ...saved, minConfidence };
      const { ksr, shown, characters } = await typeThrough(engine, texts, true);
      rows.push({ minConfidence, ksr, shownPer100: (100 * shown) / Math.max(1, characters) });
      if (ksr < Math.max(...rows.map((r) => r.ksr)) - GATE_TOLERANCE) break;
    }
  } finally {
    engine.options = saved;
  }
  const best = Math.max(...rows.map((r) => r.ksr));
  const chosen = Math.max(...rows.filter((r) => r.ksr >= best - GATE_TOLERANCE).map((r) => r.minConfidence));
  return { chosen, rows };
}
