import { Suggester } from '../suggestion/engine';
import { keystrokeSavings, KeystrokeFigures } from './keystrokes';

export interface SavingsFigures {
  /** Tab only. */
  ksr: number;
  /** Tab or accept-next-word. */
  ksrWord: number;
}

/**
 * Keystroke savings of an engine (the very one the editor uses: runtime, state cache, policy and gate) over
 * texts, each typed as its own document; pooled over all texts' characters.
 */
export async function measureSavings(engine: Suggester, texts: readonly string[]): Promise<SavingsFigures> {
  let run = 0;
  const measure = async (acceptWords: boolean): Promise<number> => {
    let keystrokes = 0, characters = 0;
    for (const text of texts) {
      const document = `savings-${run++}`;
      let figures: KeystrokeFigures;
      try {
        figures = await keystrokeSavings(text, (before) => engine.suggest({ document, textBeforeCursor: before }), acceptWords);
      } finally {
        engine.forget(document);
      }
      keystrokes += figures.keystrokes;
      characters += figures.characters;
    }
    return characters === 0 ? 0 : 1 - keystrokes / characters;
  };
  return { ksr: await measure(false), ksrWord: await measure(true) };
}
