import { completeWithCase, joinSpacing } from '../model/tokenizer';
import { Distribution, Predictor } from './predictor';
import { RecallSource, recallMatches, recallPieces } from './recall';
import { TokenRole, VocabularyTable } from './vocabularyTable';
import { WordCache } from './wordCache';

export interface PolicyOptions {
  /** Completions of the partial word (or first words after a space) that are expanded further. */
  firstCandidates: number;
  /** Continuations kept behind each first word at every step of the beam search. */
  beamWidth: number;
  /** The most tokens a suggestion adds after the first word. */
  maxWords: number;
  /** Nothing is shown unless the probability that the whole shown text is right reaches this. */
  minConfidence: number;
}

export const DEFAULT_POLICY: PolicyOptions = { firstCandidates: 3, beamWidth: 2, maxWords: 4, minConfidence: 0.2 };

/**
 * Candidates are ranked by probability^2 × (length - 1), not by the expected saving itself (exponent 1): a long
 * shot that the writer does not take comes back at every keystroke after it (typing on does not make it less
 * likely), and all that time it hides the short likely piece ("ttps://" after "](h") that would have been taken.
 * Measured with the shipped LSTM, eval ksr docs / commits / corpus 29.4% / 23.6% / 41.6% with exponent 1, 30.3% /
 * 24.8% / 42.6% with 2, 30.7% / 24.9% / 42.6% with 3 (ksr_word 32.8-32.9% / 27.2-27.3% / 45.5-45.8% for all three);
 * on the bench's held-out READMEs 37.9%, 38.6%, 38.8%, and with 5 38.7%.
 */
const SAVING_CONFIDENCE_EXPONENT = 2;

/**
 * A search behind a first word assumes it at most this many times as likely as it is now: typing more of the
 * word raises its probability (fewer words share the prefix), and past that bound the search is redone.
 */
const SEARCH_BOUND_SLACK = 2;

/** What the engine knows at the cursor. */
export interface CompletionContext<S> {
  /** Model state after the complete tokens before the cursor, and the next-token distribution there. */
  state: S;
  logProbs: Float32Array;
  topIds?: Int32Array;
  /** The partial word at the cursor ("" after whitespace or punctuation). */
  prefix: string;
  /** Whether the text before the partial word ends in whitespace (then no space is added before a word). */
  afterWhitespace: boolean;
  /** The last complete token's text (for spacing), if any. */
  previous: string | undefined;
  /** What the document before the cursor and the model's workspace remember behind the placeholders (recall.ts). */
  recall: { document: RecallSource; workspace?: RecallSource };
  /** The document's own word counts, mixed into the first word's probability (wordCache.ts). */
  words?: WordCache;
  /** The rest of suggestions the writer typed through (declinedSuggestions.ts): no candidate starting with one is shown. */
  declined?: readonly string[];
}

export interface Suggestion {
  /** The ghost text: the rest of the partial word and the words after it, spaced as a writer types. */
  text: string;
  /** The model's probability that all of `text` is what the writer types next. */
  probability: number;
}

/** A continuation after a first word: its token ids, its text (spacing included) and its log-probability. */
interface Continuation {
  text: string;
  logProb: number;
}

/** Continuations found behind one first word, complete for every first-word probability up to `bound`. */
interface SearchedContinuations {
  list: Continuation[];
  bound: number;
}

/** What a search behind the first words found, valid while the context stays the same. */
export interface ContinuationMemo<S> {
  /** Continuations behind each first word (by its id). */
  continuations: Map<number, SearchedContinuations>;
  /** The options they were searched with (gate, beam width, length) and the cache's version: others score and prune differently. */
  searchedWith: string;
  /**
   * The state and next-token distribution after each first word: when the writer goes on to type that word,
   * the engine takes them from here instead of running the model on it again.
   */
  after: Map<number, { state: S } & Distribution>;
}

export function emptyMemo<S>(): ContinuationMemo<S> {
  return { continuations: new Map(), searchedWith: '', after: new Map() };
}

interface Beam<S> {
  text: string;
  logProb: number;
  lastWord: string;
  lastId: number;
  words: number;
  state: S;
  row: Float32Array;
  top: Int32Array | undefined;
  first: number;
}

/**
 * The completion policy, shared by the extension, `eval`, `suggest` and the benchmarks:
 * 1. candidates for the partial word: vocabulary words that extend it (case-aware), their probabilities
 *    renormalised over the candidates; after whitespace, any word that a writer types after a space;
 * 2. behind each of the best few, a beam search over the next tokens, stopping at a sentence end (kept),
 *    before a line break, or after maxWords tokens;
 * 3. besides, the strings recalled behind the placeholders (recall.ts: URLs, paths, rare words seen in the
 *    document or the workspace), whole or cut after one of their parts, as candidates of their own;
 * 4. besides, each first word cut after each of its letters, at the probability that the text goes on with that piece
 *    (the word or any other that starts with it: "option" after "op" also when the word is "options");
 * 5. of every candidate text (each prefix of each beam, each recalled piece, each word piece), the one that ranks first by
 *    probability^2 × (length - 1) (SAVING_CONFIDENCE_EXPONENT), among those at least minConfidence likely, after what the
 *    writer typed through is ruled out (bestCandidate); else nothing.
 * Never a placeholder (<unk>, <num>, ...), never a line break.
 */
export async function completeAtCursor<S>(
  predictor: Predictor<S>,
  table: VocabularyTable,
  context: CompletionContext<S>,
  options: PolicyOptions,
  memo: ContinuationMemo<S>,
  isStale: () => boolean,
): Promise<Suggestion | undefined> {
  const shown = shownMass(table, context);
  const recalled = recalledPieces(context, shown, options.minConfidence);
  const { firsts, pieces, total } = firstCandidates(table, context, options.firstCandidates, shown, recalled.mass);
  if (total <= 1e-9) return undefined;
  const candidates: Suggestion[] = [];
  const consider = (text: string, probability: number) => {
    if (text.length >= 2) candidates.push({ text, probability });
  };
  const chosen = () => bestCandidate(candidates, context.declined ?? [], options.minConfidence);
  for (const piece of recalled.pieces) consider(piece.text, piece.mass / total);
  for (const piece of pieces) consider(piece.text, piece.probability);
  if (firsts.length === 0) return chosen();
  // The continuations are scored with the document's counts too: an edit before the model's context window changes
  // them without changing the context.
  const searchedWith = `${options.minConfidence} ${options.beamWidth} ${options.maxWords} ${context.words?.version ?? 0}`;
  if (memo.searchedWith !== searchedWith) {
    memo.continuations.clear();
    memo.searchedWith = searchedWith;
  }
  // A first word's continuations are searched when it could be shown and the last search behind it assumed
  // a lower probability for it than it has now (the writer typed more of it).
  const missing = firsts.filter((f) => f.probability >= options.minConfidence && !(f.probability <= (memo.continuations.get(f.id)?.bound ?? -1)));
  if (missing.length > 0) {
    const bounds = missing.map((f) => Math.min(1, SEARCH_BOUND_SLACK * f.probability));
    const found = await searchContinuations(predictor, table, context.state, missing.map((f) => f.id), bounds, options, memo.after, context.words, isStale);
    if (!found) return undefined;
    found.forEach((list, i) => memo.continuations.set(missing[i].id, { list, bound: bounds[i] }));
  }
  for (const first of firsts) {
    for (const continuation of memo.continuations.get(first.id)?.list ?? []) {
      consider(first.text + continuation.text, first.probability * Math.exp(continuation.logProb));
    }
  }
  return chosen();
}

/** A declined rest is never taken as certain: the others keep at least this share of the probability. */
const MIN_UNDECLINED_MASS = 1e-3;

/**
 * The candidate ranked first by probability² × (length − 1) among those at least `gate` likely, once the rest of
 * each suggestion the writer typed through (`declined`, declinedSuggestions.ts) is known wrong: a candidate starting
 * with it is dropped, and the others are as likely as they are given that, P / (1 − P(rest)) with P(rest) its likeliest
 * candidate's, but for the starts of it, which keep their own probability: ghost text is typed through unread too,
 * and its first words may still be the writer's. Measured ad hoc (shipped models at the gate 0.05, eval texts docs /
 * commits / corpus): LSTM ksr 34.62 / 28.99 / 48.97% with the declined candidates only dropped, 34.96 / 29.31 / 49.43%
 * so, 34.75 / 29.67 / 49.95% with the starts at (P − P(rest)) / (1 − P(rest)) too (the phrase then vanishes when a
 * space is typed over it, instead of shrinking; and on the bench's held-out READMEs 42.87% against 43.22% so).
 */
export function bestCandidate(candidates: readonly Suggestion[], declined: readonly string[], gate: number): Suggestion | undefined {
  let scored = candidates;
  for (const rest of declined) {
    let restMass = 0;
    for (const c of scored) if (c.text.startsWith(rest)) restMass = Math.max(restMass, c.probability);
    const others = Math.max(MIN_UNDECLINED_MASS, 1 - restMass);
    scored = scored.filter((c) => !c.text.startsWith(rest)).map((c) => (rest.startsWith(c.text) ? c : { text: c.text, probability: Math.min(1, c.probability / others) }));
  }
  let best: Suggestion | undefined;
  let bestGain = 0;
  for (const candidate of scored) {
    const gain = candidate.probability ** SAVING_CONFIDENCE_EXPONENT * (candidate.text.length - 1);
    if (candidate.probability >= gate && gain > bestGain) {
      best = candidate;
      bestGain = gain;
    }
  }
  return best;
}

/**
 * After whitespace or punctuation, the probability of the tokens that may start a suggestion there: all but
 * placeholders, line breaks, and after whitespace the tokens that attach to the previous word. A short list
 * is excluded, so the total needs no pass over the whole vocabulary.
 */
function shownMass<S>(table: VocabularyTable, context: CompletionContext<S>): number {
  let excluded = 0;
  for (const id of table.neverFirst) excluded += firstProbability(context, id);
  if (context.afterWhitespace) for (const id of table.attaching) excluded += firstProbability(context, id);
  return Math.max(0, 1 - excluded);
}

/**
 * The recalled strings (recall.ts) that extend the partial word, or after whitespace or punctuation that may
 * come next, as ghost text with their probability mass, and the mass of all of them (it joins the total that
 * the vocabulary's candidates are renormalised over). After whitespace or punctuation only the document is
 * asked, and only for classes likely enough to reach the gate: every string it remembers extends "".
 */
function recalledPieces<S>(context: CompletionContext<S>, shown: number, gate: number): { pieces: { text: string; mass: number }[]; mass: number } {
  const { prefix, afterWhitespace, previous, recall } = context;
  const classMass = (classId: number) => firstProbability(context, classId);
  const wanted = prefix !== '' ? () => true : (classId: number) => classMass(classId) >= gate * (shown + classMass(classId));
  const matches = recallMatches(recall.document, prefix === '' ? undefined : recall.workspace, prefix, wanted);
  let mass = 0;
  for (const m of matches) mass += classMass(m.classId) * m.share;
  const pieces = recallPieces(matches, classMass);
  if (prefix === '' && !afterWhitespace) for (const piece of pieces) piece.text = joinSpacing(previous, piece.text) + piece.text;
  return { pieces, mass };
}

/** The probability of a first word: the model's, mixed with the document's own word counts. */
function firstProbability<S>({ logProbs, words }: CompletionContext<S>, id: number): number {
  const p = Math.exp(logProbs[id]);
  return words ? words.probability(id, p) : p;
}

interface FirstCandidate {
  id: number;
  /** What the first word adds at the cursor: the rest of the partial word, or the spaced next word. */
  text: string;
  probability: number;
}

/** A first word cut after one of its letters (or whole), and the probability that the text goes on with it. */
interface WordPiece {
  text: string;
  probability: number;
}

/**
 * Characters of a word that a piece of it holds at the least: pieces of one letter after a space (" c") saved 0.02-0.05
 * points of ksr on eval's texts and cost a pass over every word with that letter at each new word.
 */
const MIN_PIECE = 2;

interface FirstCandidates {
  firsts: FirstCandidate[];
  /** The pieces of every first word (piecesOf). */
  pieces: WordPiece[];
  total: number;
}

/**
 * The first words of a suggestion, their probabilities renormalised over `total`: the mass of every token
 * that could start one there, recalled strings (`recalledMass`) included.
 */
function firstCandidates<S>(table: VocabularyTable, context: CompletionContext<S>, count: number, shown: number, recalledMass: number): FirstCandidates {
  return context.prefix === '' ? nextWordCandidates(table, context, count, shown + recalledMass) : wordCompletions(table, context, count, recalledMass);
}

/**
 * For n = 0 ... text.length, the mass of the words that go on with the first n characters of `text` from their
 * character `from` on (what they add after a typed prefix of that length).
 */
function massStartingWith(text: string, from: number, words: Iterable<readonly [string, { mass: number }]>): Float64Array {
  const startingWith = new Float64Array(text.length + 1);
  for (const [word, { mass }] of words) {
    let shared = 0;
    while (shared < text.length && word[from + shared] === text[shared]) shared++;
    startingWith[shared] += mass;
  }
  for (let n = text.length - 1; n >= 0; n--) startingWith[n] += startingWith[n + 1];
  return startingWith;
}

/**
 * The pieces of `text` (what a first word adds at the cursor: `spacing` characters of space, then the word) that
 * hold two characters of the word or more, each as likely as the words that start with its part of it (massStartingWith).
 */
function piecesOf(text: string, spacing: number, startingWith: Float64Array, total: number): WordPiece[] {
  const pieces: WordPiece[] = [];
  for (let n = spacing + MIN_PIECE; n <= text.length; n++) pieces.push({ text: text.slice(0, n), probability: startingWith[n - spacing] / total });
  return pieces;
}

/** After whitespace or punctuation: the likeliest tokens that may start a suggestion there. */
function nextWordCandidates<S>(table: VocabularyTable, context: CompletionContext<S>, count: number, total: number): FirstCandidates {
  const { logProbs, topIds, afterWhitespace, previous, words } = context;
  if (total <= 1e-9) return { firsts: [], pieces: [], total };
  const firsts = withFollowers(topTokens(logProbs, topIds, table, count, afterWhitespace), words, words?.lastToken ?? -1, table, count, afterWhitespace)
    .map((id) => {
      const word = table.word(id);
      return { id, text: afterWhitespace ? word : joinSpacing(previous, word) + word, probability: firstProbability(context, id) / total };
    })
    .sort((a, b) => b.probability - a.probability)
    .slice(0, count);
  const pieces = firsts.flatMap(({ id, text }) => {
    const word = table.word(id);
    const spacing = text.length - word.length; // a space before the word (or none) is in every piece
    if (word.length < MIN_PIECE) return [];
    const others = table.vocabulary.idsStartingWith(word.slice(0, MIN_PIECE)).filter((other) => mayShow(table, other, afterWhitespace));
    const startingWith = massStartingWith(word, 0, others.map((other) => [table.word(other), { mass: firstProbability(context, other) }] as const));
    return piecesOf(text, spacing, startingWith, total);
  });
  return { firsts, pieces, total };
}

/**
 * The vocabulary words that extend the partial word (case-aware), renormalised over them and the recalled
 * strings that extend it. Words with the same surface ("The" and "the" after "Th") pool their probability under the likelier id.
 */
function wordCompletions<S>(table: VocabularyTable, context: CompletionContext<S>, count: number, recalledMass: number): FirstCandidates {
  const { logProbs, prefix } = context;
  const bySurface = new Map<string, { id: number; logProb: number; mass: number }>();
  let total = recalledMass;
  let capitalShare: number | undefined;
  for (const id of table.vocabulary.idsWithPrefix(prefix)) {
    if (table.roles[id] === TokenRole.Hidden) continue;
    const surface = completeWithCase(table.word(id), prefix);
    if (surface === undefined) continue;
    // A lowercase word the writer capitalises: as likely as a capital is here (a sentence's start, not its middle).
    const recased = surface !== table.word(id);
    const p = firstProbability(context, id) * (recased ? (capitalShare ??= shareOfCapitals(table, logProbs)) : 1);
    total += p;
    const entry = bySurface.get(surface);
    if (!entry) bySurface.set(surface, { id, logProb: logProbs[id], mass: p });
    else {
      entry.mass += p;
      if (logProbs[id] > entry.logProb) { entry.id = id; entry.logProb = logProbs[id]; }
    }
  }
  if (total === 0) return { firsts: [], pieces: [], total };
  const best: FirstCandidate[] = [];
  for (const [surface, { id, mass }] of bySurface) {
    if (best.length === count && mass <= best[count - 1].probability * total) continue;
    best.push({ id, text: surface.slice(prefix.length), probability: mass / total });
    best.sort((a, b) => b.probability - a.probability);
    if (best.length > count) best.pop();
  }
  const pieces = best.flatMap(({ text }) => piecesOf(text, 0, massStartingWith(text, prefix.length, bySurface), total));
  return { firsts: best, pieces, total };
}

/** Whether a word after `token` is written after a space: after "dog" or ",", not after "(" or a line break. */
function isSpacedBeforeWord(token: string): boolean {
  return joinSpacing(token, 'word') === ' ';
}

/** The probability that the next token is written after a space: not punctuation that attaches, a line break or the end. */
function spacedNext(table: VocabularyTable, logProbs: Float32Array): number {
  let unspaced = 0;
  for (const id of table.unspaced) unspaced += Math.exp(logProbs[id]);
  return Math.max(0, 1 - unspaced);
}

/** The model's probability that the next word starts with a capital, of the words that start with a letter. */
function shareOfCapitals(table: VocabularyTable, logProbs: Float32Array): number {
  let capitals = 0, lower = 0;
  for (const id of table.capitalised) capitals += Math.exp(logProbs[id]);
  for (const id of table.lowercase) lower += Math.exp(logProbs[id]);
  return capitals + lower > 0 ? capitals / (capitals + lower) : 1;
}

/**
 * Beam search behind each first word, all first words' beams batched into one model call per step.
 * Returns, for each first word, every prefix of every beam (the first word alone included, as the empty
 * continuation). A continuation is only worth extending while the first word's bound times its probability
 * reaches the gate: what falls below cannot be shown, and neither can anything longer. The states after the
 * first words go into `after`, and are taken from there when a first word was run before.
 */
async function searchContinuations<S>(
  predictor: Predictor<S>,
  table: VocabularyTable,
  state: S,
  firstIds: number[],
  bounds: number[],
  options: PolicyOptions,
  after: ContinuationMemo<S>['after'],
  cache: WordCache | undefined,
  isStale: () => boolean,
): Promise<Continuation[][] | undefined> {
  const V = predictor.vocabSize;
  const results = firstIds.map((): Continuation[] => [{ text: '', logProb: 0 }]);
  const live = firstIds.map((id, index) => ({ id, index })).filter(({ id }) => table.roles[id] !== TokenRole.SentenceEnd);
  if (live.length === 0 || options.maxWords === 0) return results;
  const unrun = live.filter(({ id }) => !after.has(id));
  if (unrun.length > 0) {
    const step = await predictor.stepMany(unrun.map(() => state), unrun.map(({ id }) => id));
    if (isStale()) return undefined;
    unrun.forEach(({ id }, i) => {
      const { logProbs, topIds } = rowOf(step, i, unrun.length, V);
      // Copied: the runtime may reuse its output buffer in the next call, and these are kept across keystrokes.
      after.set(id, { state: step.states[i], logProbs: logProbs.slice(), topIds: topIds?.slice() });
    });
  }
  const logGate = Math.log(options.minConfidence);
  let beams: Beam<S>[] = live.map(({ id, index }) => ({
    text: '', logProb: 0, lastWord: table.word(id), lastId: id, words: 0, state: after.get(id)!.state, row: after.get(id)!.logProbs, top: after.get(id)!.topIds, first: index,
  }));
  while (beams.length > 0) {
    // Each continuation that ends in a word or in punctuation a space follows (",", ")"), also with the space after it
    // (as a phone keyboard adds one), as likely as a token that is written after a space comes next.
    for (const beam of beams) {
      if (isSpacedBeforeWord(beam.lastWord)) results[beam.first].push({ text: beam.text + ' ', logProb: beam.logProb + Math.log(spacedNext(table, beam.row)) });
    }
    const extended: (Beam<S> & { token: number; ends: boolean })[] = [];
    for (const first of new Set(beams.map((b) => b.first))) {
      const candidates: (Beam<S> & { token: number; ends: boolean })[] = [];
      for (const beam of beams) {
        if (beam.first !== first) continue;
        for (const token of withFollowers(topTokens(beam.row, beam.top, table, options.beamWidth), cache, beam.lastId, table, options.beamWidth)) {
          const word = table.word(token);
          const p = Math.exp(beam.row[token]);
          candidates.push({
            ...beam,
            text: beam.text + joinSpacing(beam.lastWord, word) + word,
            logProb: beam.logProb + Math.log(cache ? cache.probability(token, p, beam.lastId) : p),
            lastWord: word,
            lastId: token,
            words: beam.words + 1,
            token,
            ends: table.roles[token] === TokenRole.SentenceEnd,
          });
        }
      }
      candidates.sort((a, b) => b.logProb - a.logProb);
      extended.push(...candidates.slice(0, options.beamWidth));
    }
    for (const beam of extended) results[beam.first].push({ text: beam.text, logProb: beam.logProb });
    const next = extended.filter((b) => !b.ends && b.words < options.maxWords && b.logProb + Math.log(bounds[b.first]) >= logGate);
    if (next.length === 0) break;
    const step = await predictor.stepMany(next.map((b) => b.state), next.map((b) => b.token));
    if (isStale()) return undefined;
    beams = next.map((b, i) => {
      const { logProbs, topIds } = rowOf(step, i, next.length, V);
      return { ...b, state: step.states[i], row: logProbs, top: topIds };
    });
  }
  return results;
}

/** Row i of a batched distribution of `rows` rows, as views into it. */
function rowOf(batch: Distribution, i: number, rows: number, V: number): Distribution {
  const k = batch.topIds ? batch.topIds.length / rows : 0;
  return { logProbs: batch.logProbs.subarray(i * V, (i + 1) * V), topIds: batch.topIds?.subarray(i * k, (i + 1) * k) };
}

/**
 * The k most probable tokens that may be shown (not placeholders, not line breaks; after whitespace not
 * the ones that attach to the previous word), best first. From the row's top ids when it has them and k of
 * them may be shown (they are the best of the row, in the order the scan below gives), else by a scan.
 */
function topTokens(row: Float32Array, top: Int32Array | undefined, table: VocabularyTable, k: number, afterWhitespace = false): number[] {
  const shown = (id: number) => mayShow(table, id, afterWhitespace);
  if (top) {
    const fromTop: number[] = [];
    for (const id of top) {
      if (shown(id)) fromTop.push(id);
      if (fromTop.length === k) return fromTop;
    }
  }
  const ids: number[] = [];
  const scores: number[] = [];
  // The k-th best score so far, in a local: the scan over the whole vocabulary runs several times a keystroke.
  let floor = -Infinity;
  for (let id = 0; id < row.length; id++) {
    const score = row[id];
    if (score <= floor) continue;
    if (!shown(id)) continue;
    let i = Math.min(ids.length, k - 1);
    while (i > 0 && scores[i - 1] < score) i--;
    ids.splice(i, 0, id);
    scores.splice(i, 0, score);
    if (ids.length > k) { ids.pop(); scores.pop(); }
    if (ids.length === k) floor = scores[k - 1];
  }
  return ids;
}

/** Whether a token may be shown: not a placeholder, not a line break; after whitespace not one that attaches to the previous word. */
function mayShow(table: VocabularyTable, id: number, afterWhitespace: boolean): boolean {
  const role = table.roles[id];
  return role !== TokenRole.Hidden && role !== TokenRole.Break && !(afterWhitespace && table.attaches[id]);
}

/**
 * The model's best tokens and, besides, those the document most often wrote after `previous` (wordCache.ts),
 * which the cache may lift above them: at most k of each, the model's first.
 */
function withFollowers(ids: number[], cache: WordCache | undefined, previous: number, table: VocabularyTable, k: number, afterWhitespace = false): number[] {
  if (!cache) return ids;
  const extra = cache.followers(previous, k).filter((id) => !ids.includes(id) && mayShow(table, id, afterWhitespace));
  return extra.length === 0 ? ids : [...ids, ...extra];
}
