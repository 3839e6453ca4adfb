import { scanTokens } from '../model/tokenizer';
import { Vocabulary } from '../model/vocabulary';

/**
 * Which words of a workspace the vocabulary should learn: frequent there, unknown to the base model, and
 * looking like words a writer types again, never like keys, hashes or other one-off strings.
 */
export interface NewWordOptions {
  /** Occurrences over all files a word needs. */
  minCount: number;
  /** Distinct files it must occur in: a word repeated inside one file only is more likely a name of that file's subject, a table's key or a pasted value. */
  minFiles: number;
  /** The most words added (each costs an embedding row, and one more logit at every step). */
  maxWords: number;
}

export const DEFAULT_NEW_WORD_OPTIONS: NewWordOptions = { minCount: 3, minFiles: 2, maxWords: 1000 };

export interface NewWord {
  word: string;
  count: number;
  files: number;
}

/** Longer "words" are nearly always identifiers, hashes or encoded data, and too long to be worth suggesting. */
const MAX_WORD_LENGTH = 32;
/** Below this length a word is too short for the shape tests to say anything. */
const SHAPE_TEST_LENGTH = 8;
/**
 * Lowercase-to-uppercase flips per adjacent pair above which a word reads as random mixed case: camelCase names
 * flip once per part ("getElementById": 3 in 13 pairs), random base-52 text at about one pair in four or more.
 */
const MAX_CASE_FLIP_RATE = 0.25;
/** All-capital words this long are keys and IDs (AWS access keys are 20), not acronyms. */
const MAX_CAPITALS_LENGTH = 16;

/**
 * Words of the files (each string one file) that the vocabulary lacks, with at least `minCount` occurrences in
 * at least `minFiles` files, most frequent first (then code-unit order, so the same texts give the same list),
 * at most `maxWords`. Only tokens of the word kind qualify: numbers, URLs, paths and e-mail addresses already
 * have their class entries, and punctuation or symbols are not words.
 */
export function chooseNewWords(files: readonly string[], vocabulary: Vocabulary, options: NewWordOptions = DEFAULT_NEW_WORD_OPTIONS): NewWord[] {
  const counts = new Map<string, { count: number; files: number; lastFile: number }>();
  files.forEach((text, file) => {
    scanTokens(text, (_space, word, kind) => {
      if (kind !== 'word' || vocabulary.has(word)) return;
      const entry = counts.get(word);
      if (!entry) counts.set(word, { count: 1, files: 1, lastFile: file });
      else {
        entry.count++;
        if (entry.lastFile !== file) { entry.files++; entry.lastFile = file; }
      }
    });
  });
  const chosen: NewWord[] = [];
  for (const [word, { count, files: fileCount }] of counts) {
    if (count >= options.minCount && fileCount >= options.minFiles && looksLikeAWord(word)) chosen.push({ word, count, files: fileCount });
  }
  chosen.sort((a, b) => b.count - a.count || (a.word < b.word ? -1 : a.word > b.word ? 1 : 0));
  return chosen.slice(0, options.maxWords);
}

/**
 * False for strings shaped like keys, tokens, hashes or generated identifiers: too long, letters mixed with
 * several digits, long runs of capitals, or case flipping as often as in random text. The secret scrubber runs
 * before this (src/training/secrets.ts); this is a coarse second line, so that what it misses and the workspace
 * repeats still does not become a word the model can suggest.
 */
export function looksLikeAWord(word: string): boolean {
  const characters = [...word];
  if (characters.length > MAX_WORD_LENGTH) return false;
  if (characters.length < SHAPE_TEST_LENGTH) return true;
  const digits = characters.filter((c) => /\p{Nd}/u.test(c)).length;
  const lowers = characters.filter((c) => /\p{Ll}/u.test(c)).length;
  const letters = characters.filter((c) => /\p{L}/u.test(c)).length;
  if (digits >= 2 && letters >= 2) return false;
  if (lowers === 0 && letters >= MAX_CAPITALS_LENGTH) return false;
  let flips = 0;
  for (let i = 1; i < characters.length; i++) {
    if (/\p{Ll}/u.test(characters[i - 1]) && /\p{Lu}/u.test(characters[i])) flips++;
  }
  return flips / (characters.length - 1) <= MAX_CASE_FLIP_RATE;
}
