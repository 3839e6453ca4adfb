/**
 * The vocabulary: the mapping between token texts and the ids the language model reads and predicts.
 *
 * Why it looks like this:
 * - The key of a token is its exact text, case included: "The" at a sentence start, "API" and
 *   "iPhone" are what a writer wants back, and a cased word-level vocabulary lets the model
 *   predict them directly instead of guessing the case afterwards.
 * - Numbers, URLs, paths and e-mail addresses are keyed by their class ("<num>", "<url>", ...):
 *   their values are nearly all distinct, so as themselves they would fill the vocabulary with
 *   rows seen once, while the class still tells the model "a number stood here".
 * - Identifiers (camelCase, snake_case, dotted names) are ordinary words: kept as themselves when
 *   frequent enough (`vscode.window` in a code-heavy corpus), otherwise `<unk>`. A separate
 *   identifier class was not worth it: the model can never suggest a class, only a word.
 * - Reserved entries have fixed ids, whatever the corpus: `<unk>` = 0; `<eos>` = 1 marks a document
 *   boundary (put it between documents when training, and at the start of a context that begins a
 *   document); then the classes, then "\n" (newline) and "\n\n" (paragraph break), which are real
 *   text a suggestion may contain. Placeholders (`isPlaceholder`) must never be shown.
 * - The other ids follow count descending, then code-unit order of the text, so the same counts
 *   always give the same ids, independent of Map insertion order or locale.
 */

import { completeWithCase, scanTokens, type Token, type TokenKind } from './tokenizer';

export const UNK = '<unk>';
export const EOS = '<eos>';
export const NUM = '<num>';
export const URL = '<url>';
export const PATH = '<path>';
export const EMAIL = '<email>';
export const NEWLINE = '\n';
export const PARAGRAPH = '\n\n';

/** Ids 0..7, in this order, in every vocabulary. */
export const RESERVED_WORDS: readonly string[] = [UNK, EOS, NUM, URL, PATH, EMAIL, NEWLINE, PARAGRAPH];
/** Reserved entries below this id stand for a class or a boundary, not for text. */
const PLACEHOLDER_COUNT = 6;

function keyOf(text: string, kind: TokenKind): string {
  switch (kind) {
    case 'number':
      return NUM;
    case 'url':
      return URL;
    case 'path':
      return PATH;
    case 'email':
      return EMAIL;
    case 'newline':
      return NEWLINE;
    case 'paragraph':
      return PARAGRAPH;
    default:
      return text;
  }
}

/**
 * The vocabulary entry a token counts towards. The trailing-whitespace token has none: it marks
 * spacing, not text, so callers skip it (`Vocabulary.encode` does).
 */
export function vocabularyKey(token: Token): string {
  if (token.text === '') throw new Error('The trailing-whitespace token has no vocabulary key; skip it (Vocabulary.encode does).');
  return keyOf(token.text, token.kind);
}

/** Occurrences of each vocabulary key over a corpus, without building Token objects. */
export function countTokens(texts: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  const count = (_space: string, text: string, kind: TokenKind): void => {
    if (text === '') return;
    const key = keyOf(text, kind);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  for (const text of texts) scanTokens(text, count);
  return counts;
}

export interface VocabularyOptions {
  /** Words seen fewer times than this become `<unk>`. */
  minCount: number;
  /** Total number of ids, reserved entries included. */
  maxSize: number;
}

export class Vocabulary {
  readonly size: number;
  readonly unkId = 0;
  readonly eosId = 1;
  private readonly words: readonly string[];
  private readonly ids: ReadonlyMap<string, number>;
  /** Non-placeholder ids sorted by word, for prefix search; built on first use. */
  private idsByWord: Int32Array | undefined;

  private constructor(words: readonly string[]) {
    this.ids = validate(words);
    this.words = words;
    this.size = words.length;
  }

  static build(counts: ReadonlyMap<string, number>, opts: VocabularyOptions): Vocabulary {
    const { minCount, maxSize } = opts;
    if (!Number.isFinite(minCount) || minCount < 1) {
      throw new RangeError(`minCount must be a number >= 1, got ${minCount}`);
    }
    if (!Number.isInteger(maxSize) || maxSize < RESERVED_WORDS.length) {
      throw new RangeError(`maxSize must be an integer >= ${RESERVED_WORDS.length} (the reserved entries), got ${maxSize}`);
    }
    const reserved = new Set(RESERVED_WORDS);
    const kept: [string, number][] = [];
    for (const [word, count] of counts) {
      if (count >= minCount && !reserved.has(word)) kept.push([word, count]);
    }
    kept.sort(([wordA, countA], [wordB, countB]) => countB - countA || (wordA < wordB ? -1 : wordA > wordB ? 1 : 0));
    const words = [...RESERVED_WORDS];
    for (let i = 0; i < kept.length && words.length < maxSize; i++) words.push(kept[i][0]);
    return new Vocabulary(words);
  }

  /** Accepts the array `toJSON` produced, or that array as JSON text. */
  static fromJSON(x: unknown): Vocabulary {
    let value = x;
    if (typeof x === 'string') {
      try {
        value = JSON.parse(x);
      } catch (error) {
        throw new Error(`Vocabulary JSON does not parse: ${(error as Error).message}`);
      }
    }
    if (!Array.isArray(value)) {
      throw new Error(`Vocabulary JSON must be an array of strings, got ${value === null ? 'null' : typeof value}`);
    }
    return new Vocabulary(value.slice());
  }

  toJSON(): string[] {
    return this.words.slice();
  }

  /** The id of a token: its own entry, its class placeholder, or `<unk>`. */
  id(token: Token): number {
    return this.ids.get(vocabularyKey(token)) ?? this.unkId;
  }

  /** The ids of a token sequence as the model reads it: the trailing-whitespace token is skipped. */
  encode(tokens: readonly Token[]): number[] {
    const ids: number[] = [];
    for (const token of tokens) {
      if (token.text !== '') ids.push(this.ids.get(keyOf(token.text, token.kind)) ?? this.unkId);
    }
    return ids;
  }

  word(id: number): string {
    if (!Number.isInteger(id) || id < 0 || id >= this.size) {
      throw new RangeError(`No vocabulary id ${id} (size ${this.size})`);
    }
    return this.words[id];
  }

  has(text: string): boolean {
    return this.ids.has(text);
  }

  /** True for `<unk>`, `<eos>` and the class placeholders: ids that must never become suggested text. */
  isPlaceholder(id: number): boolean {
    return id >= 0 && id < PLACEHOLDER_COUNT;
  }

  /**
   * The ids whose word can complete `prefix` (the partial word at the cursor), with the casing
   * rule of `completeWithCase`: "Th" finds "The", "There" and also "the", "there". Ascending id,
   * so the most frequent words come first. An empty prefix gives every non-placeholder id.
   */
  idsWithPrefix(prefix: string): number[] {
    const found = this.idsStartingWith(prefix);
    const lowerFirst = prefix === '' ? prefix : prefix[0].toLowerCase() + prefix.slice(1);
    if (lowerFirst !== prefix) {
      for (const id of this.idsStartingWith(lowerFirst)) {
        if (completeWithCase(this.words[id], prefix) !== undefined) found.push(id);
      }
    }
    return found.sort((a, b) => a - b);
  }

  /** The ids whose word starts with `prefix`, case and all ("the" finds "the", "then", not "The"). */
  idsStartingWith(prefix: string): number[] {
    const sorted = this.sortedIds();
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.words[sorted[middle]] < prefix) low = middle + 1;
      else high = middle;
    }
    const found: number[] = [];
    for (let i = low; i < sorted.length && this.words[sorted[i]].startsWith(prefix); i++) found.push(sorted[i]);
    return found;
  }

  private sortedIds(): Int32Array {
    if (this.idsByWord === undefined) {
      const ids = new Int32Array(this.size - PLACEHOLDER_COUNT);
      for (let i = 0; i < ids.length; i++) ids[i] = i + PLACEHOLDER_COUNT;
      ids.sort((a, b) => (this.words[a] < this.words[b] ? -1 : this.words[a] > this.words[b] ? 1 : 0));
      this.idsByWord = ids;
    }
    return this.idsByWord;
  }
}

function validate(words: readonly unknown[]): Map<string, number> {
  const ids = new Map<string, number>();
  for (let id = 0; id < words.length; id++) {
    const word = words[id];
    if (typeof word !== 'string') throw new Error(`Vocabulary entry ${id} is ${word === null ? 'null' : typeof word}, expected a string`);
    if (word === '') throw new Error(`Vocabulary entry ${id} is an empty string`);
    const earlier = ids.get(word);
    if (earlier !== undefined) throw new Error(`Vocabulary entry ${id} ${JSON.stringify(word)} duplicates entry ${earlier}`);
    ids.set(word, id);
  }
  RESERVED_WORDS.forEach((reserved, id) => {
    if (words[id] !== reserved) {
      const found = id < words.length ? `is ${JSON.stringify(words[id])}` : 'is missing';
      throw new Error(`Vocabulary entry ${id} must be the reserved ${JSON.stringify(reserved)} but ${found}`);
    }
  });
  return ids;
}
