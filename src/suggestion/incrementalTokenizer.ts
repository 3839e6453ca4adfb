import { scanTokens, TokenKind } from '../model/tokenizer';
import { Vocabulary } from '../model/vocabulary';

/** Past this much text without whitespace the input is not prose (minified, binary): rescanning is capped. */
const MAX_RESCAN_WITHOUT_WHITESPACE = 4096;
const WHITESPACE = /\s/;

/**
 * Told of every token the ids gain or lose, in sequence order: tokens are added at the end and removed from the
 * end, last first, each with the id before it (-1 at the start); an added token with the whitespace before it.
 */
export interface TokenObserver {
  added(id: number, text: string, previous: number, space: string): void;
  removed(id: number, text: string, previous: number): void;
}

/**
 * The vocabulary ids of a document's text, kept current as the text changes, at a cost that follows the
 * size of the change rather than of the document: a keystroke rescans from the last token that starts
 * after whitespace. That is safe because no token spans whitespace except line-break runs, and a token's
 * id never depends on the whitespace before it (only its `space` field, which ids ignore).
 */
export class IncrementalTokenizer {
  private text = '';
  private readonly ids: number[] = [];
  /** Offset in `text` where each token's own text starts. */
  private readonly starts: number[] = [];
  private readonly kinds: TokenKind[] = [];
  private readonly texts: string[] = [];

  constructor(private readonly vocabulary: Vocabulary, private readonly observer?: TokenObserver) {}

  /** Brings the ids up to date with `text` and returns them (the array is owned by this object). */
  update(text: string): readonly number[] {
    const common = commonPrefixLength(this.text, text);
    const keep = this.restartIndex(common, text);
    // From the end of the token before, so the first token rescanned has the whitespace before it.
    const restartAt = keep === 0 ? 0 : this.endOf(keep - 1);
    this.truncate(keep);
    let position = restartAt;
    scanTokens(text.slice(restartAt), (space, tokenText, kind) => {
      position += space.length;
      if (tokenText === '') return;
      this.starts.push(position);
      const id = this.vocabulary.id({ text: tokenText, space, kind });
      this.observer?.added(id, tokenText, this.ids.length > 0 ? this.ids[this.ids.length - 1] : -1, space);
      this.ids.push(id);
      this.kinds.push(kind);
      this.texts.push(tokenText);
      position += tokenText.length;
    });
    this.text = text;
    return this.ids;
  }

  get length(): number {
    return this.ids.length;
  }

  /** The offset in the text where the last token ends (0 without tokens): what follows is whitespace. */
  get end(): number {
    return this.ids.length > 0 ? this.endOf(this.ids.length - 1) : 0;
  }

  private endOf(k: number): number {
    return this.starts[k] + this.texts[k].length;
  }

  /** The text and kind of the last complete token, if any. */
  lastToken(): { text: string; kind: TokenKind } | undefined {
    const n = this.ids.length;
    return n > 0 ? { text: this.texts[n - 1], kind: this.kinds[n - 1] } : undefined;
  }

  /**
   * The index of the first token to rescan: the last token that starts at or before the first changed
   * character and can be scanned on its own (see restartable). Tokens before it are unaffected.
   */
  private restartIndex(common: number, text: string): number {
    let k = upperBound(this.starts, common) - 1; // the last token starting at or before `common`
    if (k <= 0) return 0;
    const limit = common - MAX_RESCAN_WITHOUT_WHITESPACE;
    while (k > 0 && !this.restartable(k, text, common) && this.starts[k] > limit) k--;
    return k;
  }

  /**
   * Token k rescans to the same tokens as a scan from the start when it is an unchanged line break (nothing
   * before a break can grow into it) or when horizontal whitespace precedes it and the token before is not a
   * break (which could still grow into a paragraph break).
   */
  private restartable(k: number, text: string, common: number): boolean {
    if (isBreak(this.kinds[k])) return this.starts[k] < common;
    return WHITESPACE.test(text[this.starts[k] - 1] ?? '') && !isBreak(this.kinds[k - 1]);
  }

  private truncate(count: number): void {
    if (this.observer) for (let k = this.ids.length - 1; k >= count; k--) this.observer.removed(this.ids[k], this.texts[k], k > 0 ? this.ids[k - 1] : -1);
    this.ids.length = count;
    this.starts.length = count;
    this.kinds.length = count;
    this.texts.length = count;
  }
}

function isBreak(kind: TokenKind): boolean {
  return kind === 'newline' || kind === 'paragraph';
}

function upperBound(sorted: readonly number[], value: number): number {
  let low = 0, high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Length of the longest common prefix, compared in ever smaller blocks so that an unchanged 5 MB prefix costs ~1 ms. */
export function commonPrefixLength(a: string, b: string): number {
  // Typing at the end (or deleting there), the usual keystroke: one native comparison.
  if (b.startsWith(a)) return a.length;
  if (a.startsWith(b)) return b.length;
  const limit = Math.min(a.length, b.length);
  let i = 0;
  for (const block of [4096, 256, 16]) {
    while (i + block <= limit && a.slice(i, i + block) === b.slice(i, i + block)) i += block;
  }
  while (i < limit && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}
