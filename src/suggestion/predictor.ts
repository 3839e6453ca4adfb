/**
 * What the suggestion engine needs from a language model: feed tokens, read the next-token distribution.
 * The recurrent model (through an inference runtime) and the Kneser-Ney baseline both implement it, so
 * `eval` measures both through the very same completion policy. The state S is opaque to the engine.
 */
export interface Predictor<S> {
  readonly name: string;
  readonly vocabSize: number;
  /** The state before anything is read. Every document's context starts with the <eos> token. */
  initialState(): S;
  /** Reads tokens from `state`; returns the state after them and the next token's distribution. */
  advance(state: S, tokens: readonly number[]): Promise<{ state: S } & Distribution>;
  /** One token for each of several states at once (beam search): logProbs is [n × vocabSize], topIds [n × k]. */
  stepMany(states: readonly S[], tokens: readonly number[]): Promise<{ states: S[] } & Distribution>;
}

/**
 * Log-probabilities of the next token, and, when the predictor has them, the ids of the k largest, best first,
 * the lower id first among equals (the ONNX export computes them: the search then scans k ids, not the vocabulary).
 */
export interface Distribution {
  logProbs: Float32Array;
  topIds?: Int32Array;
}
