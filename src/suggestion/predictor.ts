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
  /** Reads tokens from `state`; returns the state after them and the log-probabilities of the next token. */
  advance(state: S, tokens: readonly number[]): Promise<{ state: S; logProbs: Float32Array }>;
  /** One token for each of several states at once (beam search): logProbs is [n × vocabSize]. */
  stepMany(states: readonly S[], tokens: readonly number[]): Promise<{ states: S[]; logProbs: Float32Array }>;
}
