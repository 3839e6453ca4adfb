/**
 * A cache model (Kuhn and De Mori 1990): a word the document used is likelier to come back than the model alone
 * says, since a recurrent state forgets the words of paragraphs ago, and likelier still after the word it followed
 * before ("npm install" once, "npm" again). A token w after the token v is scored
 *
 *   P(w | v) = (1 - λ) · P_model(w) + λ · P_doc(w | v),    P_doc(w | v) = (c(v w) + β · c(w) / N) / (c(v ·) + β)
 *
 * with c the counts of tokens and of adjacent pairs in the document before the cursor (placeholders by class: a
 * URL as <url>), N its tokens, and β the pairs' pseudo-count of the document's word frequencies (a context seen
 * once is no certainty); λ grows from 0 with the document, so a short text leans on the model alone.
 */
/**
 * λ of a long document, and β. Keystroke savings of the base LSTM on 19,424 characters of the bench:finetune
 * workspace's training READMEs (which it never saw): the counts of words alone, λ 0.2, 27.1%; with the pairs,
 * β 1: λ 0.2 28.8%, 0.3 29.3%, 0.4 29.5%, 0.5 29.2%; at λ 0.2, β 0.5 28.9% and β 2 28.6%. 0.3 rather than 0.4: other
 * kinds of text than READMEs repeat themselves less. Counting triples too (u v w, smoothed the same way) gave 30.5%
 * there but nothing on eval:defaults' texts (LSTM ksr docs 24.4% both, commit messages 21.7% -> 21.3%): not kept.
 */
const CACHE_WEIGHT = 0.3;
const PAIR_PSEUDO_COUNT = 1;
/** Tokens of document at which the cache has half its weight. */
const HALF_WEIGHT_TOKENS = 50;

export class WordCache {
  /** By token id: a typed array, since the policy asks it for every word that extends the prefix. */
  private readonly counts: Uint32Array;
  /** c(v ·) by v, and c(v w) by v then w. */
  private readonly contextCounts: Uint32Array;
  private readonly pairs = new Map<number, Map<number, number>>();
  private tokens = 0;
  private last = -1;
  /** Changes with every count: a search scored with the counts is stale once it differs. */
  version = 0;

  constructor(vocabularySize: number) {
    this.counts = new Uint32Array(vocabularySize);
    this.contextCounts = new Uint32Array(vocabularySize);
  }

  /** The token the document's last one is: the context of the next. */
  get lastToken(): number {
    return this.last;
  }

  added(id: number, previous: number): void {
    this.version++;
    this.counts[id]++;
    this.tokens++;
    if (previous >= 0) {
      this.contextCounts[previous]++;
      let followers = this.pairs.get(previous);
      if (!followers) this.pairs.set(previous, followers = new Map());
      followers.set(id, (followers.get(id) ?? 0) + 1);
    }
    this.last = id;
  }

  removed(id: number, previous: number): void {
    if (this.counts[id] === 0) return;
    this.version++;
    this.counts[id]--;
    this.tokens--;
    const followers = previous >= 0 ? this.pairs.get(previous) : undefined;
    const count = followers?.get(id) ?? 0;
    if (followers && count > 0) {
      this.contextCounts[previous]--;
      if (count === 1) followers.delete(id);
      else followers.set(id, count - 1);
      if (followers.size === 0) this.pairs.delete(previous);
    }
    this.last = previous;
  }

  /** The mixture above for token `id` after `previous` (by default the document's last token), the model giving `modelProbability`. */
  probability(id: number, modelProbability: number, previous = this.last): number {
    if (this.tokens === 0) return modelProbability;
    const weight = CACHE_WEIGHT * this.tokens / (this.tokens + HALF_WEIGHT_TOKENS);
    const unigram = this.counts[id] / this.tokens;
    const pairs = previous >= 0 ? this.pairs.get(previous)?.get(id) ?? 0 : 0;
    const context = previous >= 0 ? this.contextCounts[previous] : 0;
    return (1 - weight) * modelProbability + weight * (pairs + PAIR_PSEUDO_COUNT * unigram) / (context + PAIR_PSEUDO_COUNT);
  }

  /**
   * The tokens the document put after `previous` most often, at most `k`, most frequent first (the lower id first
   * among equals). A selection, not a sort: it runs at every beam step, and a common word has many followers.
   */
  followers(previous: number, k: number): number[] {
    const followers = previous >= 0 ? this.pairs.get(previous) : undefined;
    if (!followers) return [];
    const best: [number, number][] = [];
    for (const entry of followers) {
      let i = best.length;
      while (i > 0 && (entry[1] > best[i - 1][1] || (entry[1] === best[i - 1][1] && entry[0] < best[i - 1][0]))) i--;
      if (i >= k) continue;
      best.splice(i, 0, entry);
      if (best.length > k) best.pop();
    }
    return best.map(([id]) => id);
  }
}
