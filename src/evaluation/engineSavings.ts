import { Suggester } from '../suggestion/engine';
import { keystrokeSavings, TypedText } from './keystrokes';

export interface SavingsFigures {
  /** Tab only. */
  ksr: number;
  /** Tab or accept-next-word. */
  ksrWord: number;
}

/** Tab only and Tab or accept-next-word, through the engine at its present options. */
export async function measureSavings(engine: Suggester, texts: readonly TypedText[]): Promise<SavingsFigures> {
  return { ksr: (await typeThrough(engine, texts, false)).ksr, ksrWord: (await typeThrough(engine, texts, true)).ksr };
}

let run = 0;

/**
 * Keystroke savings of an engine (the very one the editor uses: runtime, state cache, policy and gate) over
 * texts, each typed as its own document; pooled over all texts' characters. `shown`: suggestions shown.
 */
export async function typeThrough(engine: Suggester, texts: readonly TypedText[], acceptWords: boolean): Promise<{ ksr: number; shown: number; characters: number }> {
  let keystrokes = 0, characters = 0, shown = 0;
  for (const text of texts) {
    const document = `savings-${run++}`;
    try {
      const figures = await keystrokeSavings(text, (before) => engine.suggest({ document, textBeforeCursor: before }), acceptWords);
      keystrokes += figures.keystrokes;
      characters += figures.characters;
      shown += figures.shown;
    } finally {
      engine.forget(document);
    }
  }
  return { ksr: characters === 0 ? 0 : 1 - keystrokes / characters, shown, characters };
}
