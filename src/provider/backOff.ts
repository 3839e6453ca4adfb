const WORD_CHARACTER = /[\p{L}\p{N}_]/u;

/** Suggestions typed over in a row after which the confidence gate rises (and more with each further one). */
export const TYPED_OVER_LIMIT = 3;
/** Each further suggestion typed over leaves this share of the distance between the gate and certainty. */
const RAISE = 0.7;
/** The gate never rises above this, so a writer who starts accepting again still sees confident suggestions. */
const HIGHEST_GATE = 0.95;

/**
 * Backs off from a writer who keeps typing over the ghost text: after TYPED_OVER_LIMIT suggestions in a row
 * typed over, the confidence gate rises, and more with each further one; one accept restores it. VS Code does not report
 * accepts to a provider, so they are inferred from the next request: its text is the previous text plus the
 * shown suggestion, or plus a part of it that ends at a word's end (Ctrl+Right accepts word by word).
 */
export class BackOff {
  private typedOverInARow = 0;
  private shown: { document: string; text: string; suggestion: string } | undefined;

  /** Judges the previous suggestion by the text of a new request for a suggestion. */
  observe(document: string, textBeforeCursor: string): void {
    const shown = this.shown;
    if (!shown) return;
    if (shown.document !== document || !textBeforeCursor.startsWith(shown.text)) {
      this.shown = undefined; // moved away or deleted: neither an accept nor typing over
      return;
    }
    const added = textBeforeCursor.slice(shown.text.length);
    if (added === '') return;
    if (isAccepted(added, shown.suggestion)) {
      this.typedOverInARow = 0;
      this.shown = undefined;
    } else if (!shown.suggestion.startsWith(added)) {
      this.typedOverInARow++;
      this.shown = undefined;
    } // else typing the suggestion through: judged at a later request
  }

  /** What the editor now shows after `textBeforeCursor` ("" for nothing). */
  show(document: string, textBeforeCursor: string, suggestion: string): void {
    this.shown = suggestion ? { document, text: textBeforeCursor, suggestion } : undefined;
  }

  /** The confidence gate to use instead of `base`. */
  gate(base: number): number {
    const raises = this.typedOverInARow - TYPED_OVER_LIMIT + 1;
    if (raises <= 0) return base;
    return Math.max(base, Math.min(HIGHEST_GATE, 1 - (1 - base) * RAISE ** raises));
  }

  get typedOver(): number {
    return this.typedOverInARow;
  }
}

/** The whole suggestion, or a prefix of it with a word in it that ends where a word of it ends. */
function isAccepted(added: string, suggestion: string): boolean {
  if (!suggestion.startsWith(added)) return false;
  if (added.length === suggestion.length) return true;
  if (!WORD_CHARACTER.test(added)) return false;
  return WORD_CHARACTER.test(added[added.length - 1]) !== WORD_CHARACTER.test(suggestion[added.length]);
}
