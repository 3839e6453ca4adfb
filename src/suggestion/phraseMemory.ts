/**
 * Phrase memory: the writer's own phrases, continued word for word. Documentation repeats itself far beyond
 * three words: an install section, a sentence every README of a package family shares, a command line written
 * out again further down the page. A recurrent state blurs such a phrase into "words like these"; the memory
 * knows where the last tokens before the cursor were written before and what followed them there.
 *
 * A memory is a sequence of pieces and an index from every three consecutive pieces to the position after them.
 * A piece is a run of letters and digits or one other character, with the whitespace before it, exactly as
 * written: finer than the model's tokens, so that a URL or a path that differs from an earlier one in its last
 * part is still continued up to there. A query takes the pieces before the cursor, finds every earlier position
 * whose preceding pieces match the longest run of them (at least three), and continues as those positions
 * continued while they all agree: a phrase written twice the same way is trusted for a whole clause, one written
 * once for a few words only; either adds whole words, at most the policy's maxWords after the one being typed.
 *
 * Measured ad hoc on 19,685 characters of held-out READMEs of the bench:finetune workspace, base LSTM, the workspace
 * memory of its training files (before the rule that a match reach back before the token being typed, which costs
 * 1.1 points there and keeps URLs whole for recall): with the phrase shown in place of the model's suggestion, ksr
 * 38.4%; with it competing among the model's and recall's candidates by expected saving (probability n / (n + 1),
 * or even 1), 36.4-36.5%: where a phrase matched, the longer candidates that beat it were wrong 289 times and right
 * 5. With the rule (limits then counted in pieces): one occurrence continued for 3 pieces, ksr 37.3%
 * (ksr_word 40.3%); for 6, 36.7% (40.8%).
 *
 * What may never come back is not a piece at all but a boundary that no match crosses: a number, or four digits
 * in a row in any token (a PIN, an account number), a rare word, URL, path or address that holds a secret, and in a
 * workspace's memory one that occurs only once there (a one-off may be private; recall keeps the same rule). A
 * secret known by its context ("password = " and a dictionary word) is a value only the whole line shows: the
 * engine checks the line with the phrase before showing it (engine.ts).
 */

import { scanTokens } from '../model/tokenizer';
import { Vocabulary } from '../model/vocabulary';
import { scrubSecrets } from '../training/secrets';
import { decodeVersionedJson, encodeVersionedJson } from '../util/versionedJson';
import { isRecalledClass } from './recall';

/** Pieces a match needs at the least, and the key of the index. */
const MIN_MATCH = 3;
/**
 * Pieces a match in a workspace's memory needs: its hundreds of files hold three pieces in a row ("of `conso",
 * "need to use") by coincidence far more often than one document does, and a phrase shown in place of the model's
 * suggestion must be likely. Measured ad hoc on the 19,685 held-out characters of bench:finetune, its kept model:
 * ksr 43.65% at 3, 44.14% at 4, 44.06% at 5, 43.89% at 8 (ksr_word 47.37% at 3, 47.68% at 4); requiring more only
 * of a phrase written once there: 44.06% at 4, 43.99% at 6.
 */
const MIN_WORKSPACE_MATCH = 4;
/** Past this many matched pieces a longer match is no better evidence. */
const MAX_MATCH = 32;
/** Positions of one key examined at the most (the latest): a common three-token run is no phrase to continue. */
const MAX_CANDIDATES = 2048;
/**
 * Units a continuation adds when one earlier occurrence backs it, and when several agree. A unit is a word, whole
 * ("don't", "e.g.", "Node.js"), or one piece of any other token: a URL or a path is continued part by part, as
 * far as its parts are as likely as a word. On the held-out READMEs of the file comment, base LSTM and the
 * document's phrases only: ksr 34.8% so; 33.0% with every token one unit; 35.1% with every piece one, which cuts "don't" to "don'".
 */
const SINGLE_SOURCE_UNITS = 3;
const AGREED_UNITS = 6;
/** A token that is a word, with apostrophes, hyphens or dots inside or a dot at its end. */
const WORD = /^[\p{L}\p{M}\p{N}_]+(?:['’.\-][\p{L}\p{M}\p{N}_]+)*\.?$/u;
const BREAK = /[\n\r\u2028\u2029]/;
/** The pieces of a token's text: runs of letters and digits, runs of whitespace (a paragraph break), single others. */
const PIECES = /[\p{L}\p{M}\p{N}_]+|\s+|[^\p{L}\p{M}\p{N}_\s]/gu;
/** A piece that starts a word (what accept-next-word takes one at a time): the setting maxWords counts these. */
const WORD_START = /^\s*[\p{L}\p{M}\p{N}_]/u;
/** Four digits in a row: a PIN, an account or card number, a year (a short number in a name, "v2", "utf8", is none). */
const DIGITS = /\p{N}{4}/u;
/** A piece that ends in a letter or digit may be a word still being typed. */
const WORD_END = /[\p{L}\p{M}\p{N}_]$/u;
/** Pieces of a workspace's memory at the most: about 55 MB of heap. */
const MAX_WORKSPACE_PIECES = 1_000_000;
/** A placeholder's string must occur this often in a workspace to come back from its memory. */
const MIN_WORKSPACE_COUNT = 2;
const FORMAT = 'smart-compose-phrases';
const FORMAT_VERSION = 2;

/** A piece, or null: a boundary (a placeholder, or the end of a file). */
export type Piece = string | null;

export interface PhraseContinuation {
  /** The ghost text: the rest of the pending piece and the pieces after it. */
  text: string;
  /**
   * The chance that the writer goes on so, held against the confidence gate: the rule of succession over the
   * occurrences, n / (n + 1) (one occurrence: even odds), so a writer who raised the gate sees fewer phrases.
   */
  probability: number;
}

export class PhraseMemory {
  private readonly pieces: Piece[] = [];
  /** 1 where a piece starts a unit (see SINGLE_SOURCE_UNITS), 0 where it goes on with a word. */
  private readonly unitStarts: number[] = [];
  /** A hash of each piece (0 for a boundary), so a key costs no string hashing. */
  private readonly hashes: number[] = [];
  /**
   * The index, as chains: the key of pieces [p-3, p) -> the latest such position p, and for each p the one before
   * it with the same key (-1: none) at earlierSameKey[p - 1]. Small integers throughout: a workspace's memory of
   * 300,000 pieces holds no array per key.
   */
  private readonly latest = new Map<number, number>();
  private readonly earlierSameKey: number[] = [];
  /** Pieces of each token held, so a token is dropped whole. */
  private readonly tokenPieces: number[] = [];
  /** Tokens pushed past the capacity (not held): the memory no longer holds the text's end. */
  private overflow = 0;

  constructor(private readonly capacity = Infinity) {}

  /** Pieces held. */
  get length(): number {
    return this.pieces.length;
  }

  /** A token of the text, with the whitespace before it; or, for a token that must not come back, a boundary. */
  pushToken(space: string, text: string | null): void {
    const pieces = text === null ? [null] : text.match(PIECES) ?? [text];
    if (this.overflow > 0 || this.pieces.length + pieces.length > this.capacity) { this.overflow++; return; }
    const word = text !== null && WORD.test(text);
    pieces.forEach((piece, i) => this.push(i === 0 && piece !== null ? space + piece : piece, i === 0 || !word));
    this.tokenPieces.push(pieces.length);
  }

  /** Drops the last token (the text's end was edited). */
  popToken(): void {
    if (this.overflow > 0) { this.overflow--; return; }
    for (let k = this.tokenPieces.pop() ?? 0; k > 0; k--) this.pop();
  }

  /** The end of a text: nothing is continued across it. */
  pushBoundary(): void {
    this.pushToken('', null);
  }

  /** Four digits are a boundary wherever they stand (a PIN in "PIN-4821", an account in "acct_99812345" or a path). */
  private push(written: Piece, startsUnit: boolean): void {
    const piece = written !== null && DIGITS.test(written) ? null : written;
    this.pieces.push(piece);
    this.unitStarts.push(startsUnit ? 1 : 0);
    this.hashes.push(piece === null ? 0 : hashOf(piece));
    const p = this.pieces.length;
    const key = this.keyBefore(p);
    this.earlierSameKey.push(key === undefined ? -1 : this.latest.get(key) ?? -1);
    if (key !== undefined) this.latest.set(key, p);
  }

  private pop(): void {
    const p = this.pieces.length;
    const key = this.keyBefore(p);
    const earlier = this.earlierSameKey.pop()!;
    if (key !== undefined) {
      if (earlier === -1) this.latest.delete(key);
      else this.latest.set(key, earlier);
    }
    this.pieces.pop();
    this.unitStarts.pop();
    this.hashes.pop();
  }

  /** The last `count` pieces (fewer at the start), or undefined when the memory overflowed and lacks them. */
  tail(count: number): Piece[] | undefined {
    return this.overflow > 0 ? undefined : this.pieces.slice(Math.max(0, this.pieces.length - count));
  }

  /**
   * Positions p whose pieces before match the end of `context` over at least `least` pieces (the longest run
   * that any earlier position matches; `least` >= MIN_MATCH, the key), and that run's length.
   */
  matches(context: readonly Piece[], least: number, accept: (next: string) => boolean): { positions: number[]; matched: number } {
    const n = context.length;
    const none = { positions: [], matched: 0 };
    if (n < least || context.slice(n - MIN_MATCH).includes(null)) return none;
    const key = keyOf(hashOf(context[n - 3]!), hashOf(context[n - 2]!), hashOf(context[n - 1]!));
    let best = 0;
    let found: number[] = [];
    for (let p = this.latest.get(key) ?? -1, k = 0; p !== -1 && k < MAX_CANDIDATES; p = this.earlierSameKey[p - 1], k++) {
      const next = this.pieces[p];
      if (next === undefined || next === null || !accept(next)) continue;
      let m = 0;
      while (m < n && m < p && m < MAX_MATCH && this.pieces[p - 1 - m] !== null && this.pieces[p - 1 - m] === context[n - 1 - m]) m++;
      if (m < least || m < best) continue;
      if (m > best) { best = m; found = []; }
      found.push(p);
    }
    return { positions: found, matched: best };
  }

  pieceAt(position: number): Piece | undefined {
    return this.pieces[position];
  }

  startsUnit(position: number): boolean {
    return this.unitStarts[position] === 1;
  }

  serialize(): Uint8Array {
    const table = new Map<string, number>();
    // A piece as 2 x its index in the table, plus 1 where it starts a unit; a boundary as -1.
    const sequence = this.pieces.map((piece, i) => {
      if (piece === null) return -1;
      let id = table.get(piece);
      if (id === undefined) table.set(piece, (id = table.size));
      return 2 * id + this.unitStarts[i];
    });
    return encodeVersionedJson(FORMAT, FORMAT_VERSION, { pieces: [...table.keys()], sequence });
  }

  /** Throws an Error that says what is wrong with bytes that are not a phrase file. */
  static deserialize(bytes: Uint8Array): PhraseMemory {
    const file = decodeVersionedJson(bytes, FORMAT, FORMAT_VERSION, 'the phrase file');
    if (!Array.isArray(file.pieces) || !Array.isArray(file.sequence)) throw new Error(`the phrase file is not ${FORMAT} version ${FORMAT_VERSION}`);
    const pieces = file.pieces as unknown[];
    if (!pieces.every((p) => typeof p === 'string' && p !== '')) throw new Error('the phrase file holds a piece that is not a non-empty string');
    const memory = new PhraseMemory();
    for (const code of file.sequence as unknown[]) {
      if (!(Number.isInteger(code) && (code as number) >= -1 && (code as number) < 2 * pieces.length)) throw new Error('the phrase file holds a malformed sequence');
      const id = code as number;
      memory.push(id === -1 ? null : (pieces[id >> 1] as string), id === -1 || (id & 1) === 1);
    }
    // A stored memory is read, never edited: its pieces need no tokens to be dropped by.
    return memory;
  }

  /** The key of the three pieces before position p, if they are all pieces. */
  private keyBefore(p: number): number | undefined {
    if (p < MIN_MATCH) return undefined;
    const [a, b, c] = [this.hashes[p - 3], this.hashes[p - 2], this.hashes[p - 1]];
    return a === 0 || b === 0 || c === 0 ? undefined : keyOf(a, b, c);
  }
}

/**
 * The continuation of the document's text (its memory, which ends at the cursor) that the earlier occurrences in
 * it and in the workspace's memory agree on, both memories' matches pooled and the longest kept. `pending` is what
 * the writer typed after the document's last piece (whitespace, a partial word): the first piece must extend it.
 */
export function continuePhrase(document: PhraseMemory, workspace: PhraseMemory | undefined, pending: string, maxWords: number): PhraseContinuation | undefined {
  const tail = document.tail(MAX_MATCH);
  if (!tail) return undefined;
  // What the writer typed of the next token (a partial word, or of a URL its first parts) is pieces too: those
  // that are complete extend the context, the last run of letters is the partial piece. A match must reach back
  // before them: a URL matched on its own first characters only is recall's to complete, whole (recall.ts).
  const space = /^\s*/.exec(pending)![0];
  const typed = pending.slice(space.length).match(PIECES) ?? [];
  if (typed.length > 0) typed[0] = space + typed[0];
  const partial = typed.length > 0 && !WORD_END.test(typed[typed.length - 1]) ? '' : typed.pop() ?? space;
  const context = [...tail, ...typed];
  const memories = workspace ? [document, workspace] : [document];
  const accept = (next: string) => next.startsWith(partial) && next.length > partial.length && !BREAK.test(next);
  let matched = 0;
  let sources: { memory: PhraseMemory; position: number }[] = [];
  for (const memory of memories) {
    const found = memory.matches(context, Math.max(memory === workspace ? MIN_WORKSPACE_MATCH : MIN_MATCH, typed.length + 1), accept);
    if (found.matched === 0 || found.matched < matched) continue;
    if (found.matched > matched) { matched = found.matched; sources = []; }
    for (const position of found.positions) sources.push({ memory, position });
  }
  if (sources.length === 0) return undefined;
  const limit = sources.length > 1 ? AGREED_UNITS : SINGLE_SOURCE_UNITS;
  const [first] = sources;
  let text = '';
  // The rest of a word the writer is inside counts as one of the units added.
  for (let j = 0, units = first.memory.startsUnit(first.position) ? 0 : 1, words = 0; ; j++) {
    const piece = first.memory.pieceAt(first.position + j);
    if (piece === undefined || piece === null || BREAK.test(piece)) break;
    if (!sources.every((s) => s.memory.pieceAt(s.position + j) === piece)) break;
    if (first.memory.startsUnit(first.position + j) && (++units > limit || (j > 0 && WORD_START.test(piece) && ++words > maxWords))) break;
    text += piece;
  }
  text = text.slice(partial.length);
  return text.length >= 2 ? { text, probability: sources.length / (sources.length + 1) } : undefined;
}

/** Whether the string of a placeholder (vocabulary id `id`) may come back at all: not a number, no secret. */
export function mayRepeatPlaceholder(id: number, text: string): boolean {
  return isRecalledClass(id) && scrubSecrets(text).redactions === 0;
}

/**
 * The memory of a workspace's texts (secrets already removed), a boundary after each; whole texts, in order, until
 * it holds `maxPieces` (the bench workspace's 200,000 words are 299,471 pieces, 16 MB of heap once loaded).
 */
export function phrasesOf(texts: readonly string[], vocabulary: Vocabulary, maxPieces = MAX_WORKSPACE_PIECES): PhraseMemory {
  const placeholderCounts = new Map<string, number>();
  const tokens: { space: string; text: string; id: number }[][] = texts.map((text) => {
    const list: { space: string; text: string; id: number }[] = [];
    scanTokens(text, (space, tokenText, kind) => {
      if (tokenText === '') return;
      const id = vocabulary.id({ text: tokenText, space, kind });
      if (vocabulary.isPlaceholder(id)) placeholderCounts.set(tokenText, (placeholderCounts.get(tokenText) ?? 0) + 1);
      list.push({ space, text: tokenText, id });
    });
    return list;
  });
  const memory = new PhraseMemory();
  for (const list of tokens) {
    if (memory.length >= maxPieces) break;
    for (const { space, text, id } of list) {
      const kept = !vocabulary.isPlaceholder(id) || (placeholderCounts.get(text)! >= MIN_WORKSPACE_COUNT && mayRepeatPlaceholder(id, text));
      memory.pushToken(space, kept ? text : null);
    }
    memory.pushBoundary();
  }
  return memory;
}

/** FNV-1a of a string in 30 bits (a small integer to V8, stored unboxed), never 0 (0 marks a boundary). */
function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 2 || 1;
}

/** Three hashes in one, 30 bits; a collision costs only a comparison, since matches are checked piece by piece. */
function keyOf(a: number, b: number, c: number): number {
  return (Math.imul(Math.imul(a, 0x9e3779b1) ^ b, 0x85ebca6b) ^ c) >>> 2;
}
