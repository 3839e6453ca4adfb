import { partialWordAtCursor } from '../model/tokenizer';
import { scrubSecrets } from '../training/secrets';
import { Vocabulary } from '../model/vocabulary';
import { completeAtCursor, DEFAULT_POLICY, PolicyOptions } from './completionPolicy';
import { CHECKPOINT_EVERY, contextWindow, DocumentState } from './documentState';
import { continuePhrase, PhraseMemory } from './phraseMemory';
import { Distribution, Predictor } from './predictor';
import { RecallSource } from './recall';
import { VocabularyTable } from './vocabularyTable';

export interface SuggestionRequest {
  /** Identifies the document whose state is cached (a URI in the editor, a fixed name in the CLI). */
  document: string;
  textBeforeCursor: string;
  /** The rest of the line after the cursor, if any. */
  textAfterCursor?: string;
}

/** VS Code's CancellationToken satisfies this. */
export interface Cancellation {
  readonly isCancellationRequested: boolean;
}

/** What callers of an engine need, whatever its model's state type. */
export interface Suggester {
  suggest(request: SuggestionRequest, cancellation?: Cancellation): Promise<string>;
  forget(document: string): void;
  options: PolicyOptions;
}

/** Documents whose states are kept; the least recently used is dropped first. */
const MAX_DOCUMENTS = 32;
const WORD_CHARACTER = /^[\p{L}\p{N}_]/u;

/**
 * The one function that turns text before the cursor into ghost text: the extension's provider, `suggest`,
 * `eval` and the benchmarks all call suggest(). Per document it caches the recurrent states, so a keystroke
 * runs only the tokens it added, and an edit earlier in the text re-runs from the last checkpoint before it.
 * A request overtaken by a newer one for the same document, or cancelled, stops at its next model call and
 * returns "" (no work queues up behind stale keystrokes).
 */
export class SuggestionEngine<S> implements Suggester {
  private readonly table: VocabularyTable;
  private readonly documents = new Map<string, DocumentState<S>>();

  constructor(
    private readonly predictor: Predictor<S>,
    private readonly vocabulary: Vocabulary,
    public options: PolicyOptions = DEFAULT_POLICY,
    /** What the model remembers of the workspace it was fine-tuned on, if it was: its strings and its phrases. */
    private readonly workspace: { recall?: RecallSource; phrases?: PhraseMemory } = {},
  ) {
    this.table = new VocabularyTable(vocabulary);
  }

  async suggest(request: SuggestionRequest, cancellation?: Cancellation): Promise<string> {
    const after = request.textAfterCursor ?? '';
    if (WORD_CHARACTER.test(after)) return ''; // the cursor is inside a word
    const document = this.documentState(request.document);
    const generation = ++document.generation;
    const isStale = () => document.generation !== generation || cancellation?.isCancellationRequested === true;
    // Ghost text that would only repeat what follows the cursor, or complete a secret on the line, is not shown.
    const mayShow = (text: string) => !repeatsWhatFollows(text, after) && !revealsSecret(request.textBeforeCursor, text);

    const declined = document.declined.remaindersAt(request.textBeforeCursor);
    const shown = (text: string) => { document.declined.shownAt(request.textBeforeCursor, text); return text; };

    const { complete, prefix } = partialWordAtCursor(request.textBeforeCursor);
    const ids = document.tokenizer.update(complete);
    // A phrase written before, matched over its last tokens, beats the model's guesses (measured: see phraseMemory.ts).
    const phrase = continuePhrase(document.phrases, this.workspace.phrases, complete.slice(document.tokenizer.end) + prefix, this.options.maxWords);
    if (phrase && phrase.probability >= this.options.minConfidence && mayShow(phrase.text) && !declined.some((d) => phrase.text.startsWith(d))) return shown(phrase.text);
    const context = contextWindow(ids, this.vocabulary.eosId);
    const position = await this.advanceTo(document, context, isStale);
    if (!position) return '';
    const suggestion = await completeAtCursor(this.predictor, this.table, {
      state: position.state,
      logProbs: position.logProbs,
      topIds: position.topIds,
      prefix,
      afterWhitespace: /\s$/.test(complete),
      previous: document.tokenizer.lastToken()?.text,
      recall: { document: document.recall, workspace: this.workspace.recall },
      words: document.words,
      declined,
    }, this.options, document.memo, isStale);
    if (!suggestion || isStale()) return '';
    return mayShow(suggestion.text) ? shown(suggestion.text) : '';
  }

  /** Forgets a document's cached states (closed in the editor). */
  forget(document: string): void {
    this.documents.delete(document);
  }

  private documentState(key: string): DocumentState<S> {
    let document = this.documents.get(key);
    if (document) {
      this.documents.delete(key); // re-inserted below as the most recently used
    } else {
      document = new DocumentState<S>(this.vocabulary);
    }
    this.documents.set(key, document);
    if (this.documents.size > MAX_DOCUMENTS) this.documents.delete(this.documents.keys().next().value!);
    return document;
  }

  /**
   * Brings the document's state to the end of `context`: from the cached end if the context only grew
   * or is unchanged, else from the last checkpoint within the unchanged prefix.
   */
  private async advanceTo(document: DocumentState<S>, context: number[], isStale: () => boolean) {
    let same = 0;
    const old = document.context;
    while (same < old.length && same < context.length && old[same] === context[same]) same++;
    // The writer typed one more word after the context: if the last search ran the model on that very word
    // (one of its likeliest next words), its state is the one after it.
    const searched = same === old.length && context.length === old.length + 1 && document.last?.length === old.length
      ? document.memo.after.get(context[old.length]) : undefined;
    if (same < old.length || same < context.length) {
      document.invalidateFrom(same);
      document.context = context;
    }
    if (searched) {
      document.last = { length: context.length, ...searched };
      if (context.length % CHECKPOINT_EVERY === 0) document.checkpoints.set(context.length, searched.state);
    }
    if (document.last && document.last.length === context.length) return document.last;

    let from = 0;
    let state = this.predictor.initialState();
    if (document.last && document.last.length <= same) {
      from = document.last.length;
      state = document.last.state;
    } else {
      // A checkpoint holds a state but no distribution: resume before the context's end so a step gives one.
      const resumable = Math.min(same, context.length - 1);
      for (let p = Math.floor(resumable / CHECKPOINT_EVERY) * CHECKPOINT_EVERY; p > 0; p -= CHECKPOINT_EVERY) {
        const saved = document.checkpoints.get(p);
        if (saved) { from = p; state = saved; break; }
      }
    }
    let distribution: Distribution | undefined;
    while (from < context.length) {
      const to = Math.min(context.length, (Math.floor(from / CHECKPOINT_EVERY) + 1) * CHECKPOINT_EVERY);
      const result = await this.predictor.advance(state, context.slice(from, to));
      if (isStale()) return undefined;
      state = result.state;
      distribution = result;
      from = to;
      if (to % CHECKPOINT_EVERY === 0) document.checkpoints.set(to, state);
    }
    document.last = { length: context.length, state, logProbs: distribution!.logProbs, topIds: distribution!.topIds };
    return document.last;
  }
}

/** Text of a line that the secret check reads before the cursor: a long line's end. */
const SECRET_CHECK_CHARACTERS = 512;

/**
 * Whether ghost text would complete a secret the scrubber finds on the line ("db_password = " and its value): a
 * phrase, recall and the cache model repeat the document, and the document may hold a password that only its
 * context marks as one.
 */
function revealsSecret(textBeforeCursor: string, suggestion: string): boolean {
  // The end first, then its last line: a 5 MB buffer without a line break is not searched whole at every keystroke.
  const end = textBeforeCursor.slice(-SECRET_CHECK_CHARACTERS);
  const line = end.slice(end.lastIndexOf('\n') + 1);
  return scrubSecrets(line + suggestion).text !== scrubSecrets(line).text + suggestion;
}

/** Whether ghost text would only repeat the text after the cursor. */
function repeatsWhatFollows(suggestion: string, after: string): boolean {
  return after.trim() !== '' && after.trimStart().startsWith(suggestion.trimStart());
}
