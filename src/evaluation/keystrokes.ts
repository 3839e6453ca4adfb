/**
 * Keystroke savings as shared/EVAL.md defines them: a simulated user types the text one character (code
 * point) per keystroke and, before every keystroke, sees the one suggestion the editor would show there.
 *  - ksr:      a suggestion of 2+ characters that the remaining text starts with is accepted with Tab
 *              (one keystroke, the cursor moves past it); otherwise the next character is typed.
 *  - ksr_word: as ksr, and when only the suggestion's first n >= 1 words (each with the whitespace or
 *              punctuation before it) match, they are accepted with n Ctrl+Right keystrokes if that saves
 *              at least one keystroke.
 * KSR = 1 - keystrokes / characters.
 */
export interface KeystrokeFigures {
  ksr: number;
  keystrokes: number;
  characters: number;
  /** Suggestions shown (non-empty) and accepted. */
  shown: number;
  accepted: number;
}

/** The writer is typing new text, so nothing follows the cursor: the suggestion sees the text before it only. */
export type SuggestAt = (textBeforeCursor: string) => Promise<string>;

/**
 * What the simulated writer types: a whole text, or the end of one from `from` on, its start already in the
 * document (a window in the middle of a file, typed with the file's text before it as context).
 */
export type TypedText = string | { text: string; from: number };

export async function keystrokeSavings(typed: TypedText, suggest: SuggestAt, acceptWords: boolean): Promise<KeystrokeFigures> {
  const { text, from } = typeof typed === 'string' ? { text: typed, from: 0 } : typed;
  const characters = codePointLength(text.slice(from));
  let position = from, keystrokes = 0, shown = 0, accepted = 0;
  while (position < text.length) {
    const suggestion = await suggest(text.slice(0, position));
    if (suggestion !== '') shown++;
    if (codePointLength(suggestion) >= 2 && text.startsWith(suggestion, position)) {
      keystrokes += 1;
      position += suggestion.length;
      accepted++;
      continue;
    }
    if (acceptWords) {
      const partial = acceptedWordPrefix(suggestion, text, position);
      if (partial && codePointLength(partial.text) > partial.words) {
        keystrokes += partial.words;
        position += partial.text.length;
        accepted++;
        continue;
      }
    }
    keystrokes += 1;
    position += text.codePointAt(position)! > 0xffff ? 2 : 1;
  }
  return { ksr: characters === 0 ? 0 : 1 - keystrokes / characters, keystrokes, characters, shown, accepted };
}

const WORD_CHARACTER = /[\p{L}\p{M}\p{N}_]/u;
const WORD_REST = /^[\p{L}\p{M}\p{N}_]*/u;

/**
 * The savings of a writer whose every word is completed, rightly, as soon as its first letter is typed, and who is
 * offered nothing else (no next word before its first letter, no punctuation): a reference for the figures of a
 * model on the same text. A model beats it only by offering words before their first letter, or several at once.
 */
export function wordCompletionAfterOneLetter(typed: TypedText): Promise<KeystrokeFigures> {
  const text = typeof typed === 'string' ? typed : typed.text;
  return keystrokeSavings(typed, async (before) => {
    const inWord = before !== '' && WORD_CHARACTER.test(before.slice(-1));
    return inWord ? WORD_REST.exec(text.slice(before.length))![0] : '';
  }, false);
}

/** Pieces of a suggestion that one accept-next-word takes: a word with what precedes it, or trailing punctuation. */
const WORD_PIECE = /[^\p{L}\p{N}_]*[\p{L}\p{N}_]+|[^\p{L}\p{N}_]+$/gu;

/** The longest run of the suggestion's leading words that the text continues with (n >= 1), if any. */
export function acceptedWordPrefix(suggestion: string, text: string, position: number): { text: string; words: number } | undefined {
  let matched = '', words = 0, best: { text: string; words: number } | undefined;
  for (const piece of suggestion.match(WORD_PIECE) ?? []) {
    matched += piece;
    words++;
    if (!text.startsWith(matched, position)) break;
    best = { text: matched, words };
  }
  return best;
}

export function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff || i + 1 >= text.length) n++;
    else { const d = text.charCodeAt(i + 1); n++; if (d >= 0xdc00 && d <= 0xdfff) i++; }
  }
  return n;
}
