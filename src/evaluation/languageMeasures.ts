import { EncodedDocument } from '../model/encoding';
import { DocumentScorer } from './scorer';

export interface LanguageFigures {
  /** exp(mean negative log-likelihood per token), full softmax, <unk> tokens at the <unk> probability. */
  perplexity: number;
  oovRate: number;
  /** At word boundaries: the next word is the first choice among candidate words / among the first three. */
  top1: number;
  top3: number;
  tokens: number;
  wordBoundaries: number;
}

/**
 * shared/EVAL.md's perplexity and next-word accuracy. `candidates` marks the vocabulary entries that can be
 * offered as a next word (words, not punctuation or specials): the engine's first choice at a word boundary
 * is the most probable candidate, and an <unk> target is never right.
 */
export function measureLanguage(documents: readonly EncodedDocument[], scorer: DocumentScorer, candidates: Uint8Array, unkId: number): LanguageFigures {
  let nll = 0, tokens = 0, oov = 0, boundaries = 0, top1 = 0, top3 = 0;
  for (const { ids, wordBoundary } of documents) {
    scorer.score(ids, (p, logProbs) => {
      const target = ids[p];
      nll -= logProbs[target];
      tokens++;
      if (target === unkId) oov++;
      if (!wordBoundary[p]) return;
      boundaries++;
      if (target === unkId || !candidates[target]) return;
      const rank = rankAmongCandidates(logProbs, candidates, target, 3);
      if (rank === 0) top1++;
      if (rank < 3) top3++;
    });
  }
  return {
    perplexity: Math.exp(nll / Math.max(1, tokens)),
    oovRate: oov / Math.max(1, tokens),
    top1: top1 / Math.max(1, boundaries),
    top3: top3 / Math.max(1, boundaries),
    tokens,
    wordBoundaries: boundaries,
  };
}

/** How many candidates score strictly higher than the target, counting no further than `limit`. */
function rankAmongCandidates(logProbs: Float32Array, candidates: Uint8Array, target: number, limit: number): number {
  const score = logProbs[target];
  let higher = 0;
  for (let i = 0; i < logProbs.length; i++) {
    if (candidates[i] && logProbs[i] > score && i !== target && ++higher >= limit) break;
  }
  return higher;
}
