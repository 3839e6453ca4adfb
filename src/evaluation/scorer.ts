/**
 * Anything that assigns a next-token distribution to every position of a document: our recurrent model and
 * the Kneser-Ney baseline are measured by the same code through this.
 */
export interface DocumentScorer {
  readonly name: string;
  /**
   * Calls visit(p, logProbs) for every position p of ids, where logProbs (natural log, length vocabSize,
   * reused between calls) is the distribution of ids[p] given the document start and ids[0..p).
   */
  score(ids: Int32Array, visit: (position: number, logProbs: Float32Array) => void): void;
}
