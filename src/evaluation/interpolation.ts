/** A share of the first model in an interpolation, and the per-token perplexity the mixture reaches with it. */
export interface InterpolationChoice {
  /** lambda in P = lambda P_a + (1 - lambda) P_b; 1 when the first model alone is best. */
  weight: number;
  perplexity: number;
}

/** The weights tried: steps of 0.05 inside (0, 1), and 1 (the first model alone). */
const WEIGHTS = Array.from({ length: 19 }, (_, i) => (i + 1) / 20).concat(1);

/**
 * The lambda of P = lambda P_a + (1 - lambda) P_b with the lowest perplexity on held-out tokens, given each
 * model's log-probability (natural log) of every token: the usual way of setting an interpolation weight, a
 * one-dimensional search on text neither model was trained on.
 */
export function chooseInterpolationWeight(logProbsA: Float64Array, logProbsB: Float64Array): InterpolationChoice {
  if (logProbsA.length !== logProbsB.length) throw new RangeError(`chooseInterpolationWeight: ${logProbsA.length} and ${logProbsB.length} tokens`);
  let best: InterpolationChoice = { weight: 1, perplexity: Infinity };
  for (const weight of WEIGHTS) {
    const perplexity = interpolatedPerplexity(logProbsA, logProbsB, weight);
    if (perplexity < best.perplexity) best = { weight, perplexity };
  }
  return best;
}

/** exp of the mean negative log of lambda P_a + (1 - lambda) P_b over the tokens; NaN for none. */
export function interpolatedPerplexity(logProbsA: Float64Array, logProbsB: Float64Array, weight: number): number {
  if (weight === 1) return perplexityOf(logProbsA);
  let nll = 0;
  for (let i = 0; i < logProbsA.length; i++) nll -= Math.log(weight * Math.exp(logProbsA[i]) + (1 - weight) * Math.exp(logProbsB[i]));
  return Math.exp(nll / logProbsA.length);
}

/** exp of the mean negative log-probability of the tokens; NaN for none. */
export function perplexityOf(logProbs: Float64Array): number {
  let nll = 0;
  for (const logProb of logProbs) nll -= logProb;
  return Math.exp(nll / logProbs.length);
}
