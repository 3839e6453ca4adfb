import { joinSpacing } from '../model/tokenizer';
import { Vocabulary } from '../model/vocabulary';

export const enum TokenRole {
  /** Placeholders (<unk>, <eos>, <num>, ...): never shown. */
  Hidden = 0,
  /** A line or paragraph break: a suggestion stops before it. */
  Break = 1,
  /** Ends a sentence: a suggestion may include it, then stops. */
  SentenceEnd = 2,
  /** Anything else that can be shown. */
  Text = 3,
}

const SENTENCE_ENDS = new Set(['.', '!', '?', '…', '...']);

/** Per-id facts the completion policy asks at every keystroke, computed once per vocabulary. */
export class VocabularyTable {
  readonly roles: Uint8Array;
  /** 1 for tokens a writer attaches to the previous word without a space ("," "." ")"). */
  readonly attaches: Uint8Array;
  /** Ids that never start a suggestion (placeholders, line breaks), and the attaching ones: short lists. */
  readonly neverFirst: number[] = [];
  readonly attaching: number[] = [];
  /** Ids a writer types without a space after a word: the attaching ones, line breaks and <eos>. */
  readonly unspaced: number[] = [];
  /** Ids of the words that start with a capital letter, and of those that start with a lowercase one. */
  readonly capitalised: number[] = [];
  readonly lowercase: number[] = [];

  constructor(readonly vocabulary: Vocabulary) {
    const n = vocabulary.size;
    this.roles = new Uint8Array(n);
    this.attaches = new Uint8Array(n);
    for (let id = 0; id < n; id++) {
      const word = vocabulary.word(id);
      this.roles[id] = vocabulary.isPlaceholder(id) ? TokenRole.Hidden
        : /^[\n\r]/.test(word) ? TokenRole.Break
        : SENTENCE_ENDS.has(word) ? TokenRole.SentenceEnd
        : TokenRole.Text;
      this.attaches[id] = joinSpacing('a', word) === '' ? 1 : 0;
      if (this.roles[id] === TokenRole.Hidden || this.roles[id] === TokenRole.Break) this.neverFirst.push(id);
      else if (this.attaches[id]) this.attaching.push(id);
      if (this.attaches[id] || this.roles[id] === TokenRole.Break || id === vocabulary.eosId) this.unspaced.push(id);
      if (this.roles[id] === TokenRole.Text && /^\p{Lu}/u.test(word)) this.capitalised.push(id);
      else if (this.roles[id] === TokenRole.Text && /^\p{Ll}/u.test(word)) this.lowercase.push(id);
    }
  }

  word(id: number): string {
    return this.vocabulary.word(id);
  }
}
