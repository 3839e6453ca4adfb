/**
 * Ghost text the writer typed through instead of taking. A writer who types the next character of a suggestion
 * rather than pressing Tab does not want all of it: the same words should not follow them keystroke after keystroke
 * while the one they are typing, which a shorter suggestion would have completed, goes by: a word offered with words
 * after it that are not the next ones, with punctuation or a space after it that does not follow ("width " at the end
 * of a hard-wrapped line). On held-out Git manual pages, 238 of the 444 words a fine-tuned model never completed were
 * such a word, hidden by a longer suggestion at every keystroke (ad hoc; what it gained: media/models/README.md).
 *
 * Typing up to where accept-next-word stops (the end of a word of the suggestion) may be taking it word by word, and
 * declines nothing; a character typed inside a word of it, or of the space or punctuation before one, declines it
 * from there on: what starts with its remainder is not shown again while the writer goes on typing it.
 */

/** Characters before a suggestion's position kept to recognise the text it was shown in. */
const ANCHOR_CHARACTERS = 32;
/** Suggestions remembered per document: those shown at the last keystrokes of one run of typing. */
const MAX_REMEMBERED = 16;
const WORD_CHARACTER = /[\p{L}\p{M}\p{N}_]/u;

interface ShownSuggestion {
  /** Length of the text before the cursor where it was shown, and that text's last characters. */
  position: number;
  anchor: string;
  text: string;
  declined: boolean;
}

export class DeclinedSuggestions {
  private shown: ShownSuggestion[] = [];

  /**
   * What the writer declined of the suggestions shown before, as seen at `textBeforeCursor`: the rest of each that
   * the text has followed so far (a suggestion starting with one of them is wrong). Forgets the suggestions the
   * text no longer follows (taken, typed in full, or left).
   */
  remaindersAt(textBeforeCursor: string): string[] {
    const remainders: string[] = [];
    this.shown = this.shown.filter((shown) => {
      const typed = typedSince(textBeforeCursor, shown);
      if (typed === undefined || typed.length >= shown.text.length || !shown.text.startsWith(typed)) return false;
      if (typed.length === 0) return true;
      if (!shown.declined && !endsWordOf(shown.text, typed.length)) shown.declined = true;
      if (shown.declined) remainders.push(shown.text.slice(typed.length));
      return true;
    });
    return remainders;
  }

  /** The ghost text shown at `textBeforeCursor` ("" when none). */
  shownAt(textBeforeCursor: string, text: string): void {
    if (text === '') return;
    const position = textBeforeCursor.length;
    if (this.shown.some((s) => s.position === position && s.text === text)) return;
    this.shown.push({ position, anchor: textBeforeCursor.slice(-ANCHOR_CHARACTERS), text, declined: false });
    if (this.shown.length > MAX_REMEMBERED) this.shown.shift();
  }
}

/** The text typed after a suggestion's position, if the text before the cursor still holds what preceded it. */
function typedSince(textBeforeCursor: string, shown: ShownSuggestion): string | undefined {
  const { position, anchor, text } = shown;
  if (textBeforeCursor.length < position || textBeforeCursor.length - position > text.length) return undefined;
  if (textBeforeCursor.slice(position - anchor.length, position) !== anchor) return undefined;
  return textBeforeCursor.slice(position);
}

/** Whether the first `length` characters of a suggestion end one of its words: where accept-next-word stops. */
function endsWordOf(text: string, length: number): boolean {
  return WORD_CHARACTER.test(text[length - 1]) && !WORD_CHARACTER.test(text[length]);
}
