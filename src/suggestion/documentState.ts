import { Vocabulary } from '../model/vocabulary';
import { ContinuationMemo, emptyMemo } from './completionPolicy';
import { DeclinedSuggestions } from './declinedSuggestions';
import { DocumentRecall } from './documentRecall';
import { IncrementalTokenizer } from './incrementalTokenizer';
import { mayRepeatPlaceholder, PhraseMemory } from './phraseMemory';
import { Distribution } from './predictor';
import { WordCache } from './wordCache';

/**
 * The recurrent context the engine keeps per document. The model reads at most the last 512-1,024 tokens
 * (a window whose start moves in steps of 512, so it stays put while the user types): a recurrent state
 * summarises its past in a fixed-size vector, gains little from more, and a 5 MB buffer must not cost a
 * model pass over the whole file at every keystroke.
 */
export const CONTEXT_WINDOW_STEP = 512;
/** States are kept at every 16th position of the context, so an edit re-runs at most 15 tokens plus the change. */
export const CHECKPOINT_EVERY = 16;
/**
 * Pieces of a document its phrase memory holds (about 450 KB of prose, some 7 MB of heap, for each of the engine's
 * 32 documents at the most); past them it offers nothing.
 */
const MAX_PHRASE_PIECES = 100_000;

export class DocumentState<S> {
  readonly tokenizer: IncrementalTokenizer;
  /** The URLs, paths, e-mail addresses and rare words of the text before the cursor, for recall. */
  readonly recall = new DocumentRecall();
  /** How often the text before the cursor holds each token, for the cache model. */
  readonly words: WordCache;
  /** The text before the cursor as pieces, for continuing its phrases (phraseMemory.ts). */
  readonly phrases = new PhraseMemory(MAX_PHRASE_PIECES);
  /** The ghost text shown last, to know what the writer typed through instead of taking. */
  readonly declined = new DeclinedSuggestions();
  /** Whether each placeholder string seen may come back: the check runs once a string, not at every rescan. */
  private readonly repeatable = new Map<string, boolean>();
  /** The context the states below belong to: <eos> then the window's token ids. */
  context: number[] = [];
  /** State after reading context[0..p) for p a multiple of CHECKPOINT_EVERY. */
  readonly checkpoints = new Map<number, S>();
  /** State and next-token distribution after the whole context. */
  last: ({ length: number; state: S } & Distribution) | undefined;
  /** Continuations searched for the current context, and the states after its likeliest next words. */
  memo: ContinuationMemo<S> = emptyMemo();
  /** Bumped by every request; a request that finds it changed after an await has been overtaken. */
  generation = 0;

  constructor(vocabulary: Vocabulary) {
    this.words = new WordCache(vocabulary.size);
    this.tokenizer = new IncrementalTokenizer(vocabulary, {
      added: (id, text, previous, space) => {
        this.recall.added(id, text);
        this.words.added(id, previous);
        this.phrases.pushToken(space, !vocabulary.isPlaceholder(id) || this.mayRepeat(id, text) ? text : null);
      },
      removed: (id, text, previous) => { this.recall.removed(id, text); this.words.removed(id, previous); this.phrases.popToken(); },
    });
  }

  private mayRepeat(id: number, text: string): boolean {
    let repeatable = this.repeatable.get(text);
    if (repeatable === undefined) this.repeatable.set(text, (repeatable = mayRepeatPlaceholder(id, text)));
    return repeatable;
  }

  /** Drops everything that depends on context positions from `position` on. */
  invalidateFrom(position: number): void {
    for (const p of this.checkpoints.keys()) if (p > position) this.checkpoints.delete(p);
    if (this.last && this.last.length > position) this.last = undefined;
    this.memo = emptyMemo();
  }
}

/** The window of token ids the model reads: <eos>, then the last 512-1,024 tokens (all of a shorter text). */
export function contextWindow(ids: readonly number[], eosId: number): number[] {
  const extra = ids.length - 2 * CONTEXT_WINDOW_STEP;
  const start = extra <= 0 ? 0 : (Math.floor(extra / CONTEXT_WINDOW_STEP) + 1) * CONTEXT_WINDOW_STEP;
  const window = [eosId];
  for (let i = start; i < ids.length; i++) window.push(ids[i]);
  return window;
}
