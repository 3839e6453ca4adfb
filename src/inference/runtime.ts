/**
 * Running a trained model for suggestions: the next word's log-probabilities for a few streams (beams), with
 * the recurrent state passed in and out so a caller can keep, reorder and resume streams.
 */
export interface RecurrentState {
  /** [layer][state kind] (the cell's stateNames: LSTM h, c; GRU and RNN h), each [batch × H] row-major. */
  readonly layers: Float32Array[][];
}

export interface RunResult {
  /** [batch × V] after the last step, or [steps × batch × V] time-major when allSteps was asked. */
  logProbs: Float32Array;
  /**
   * [batch × k] after the last step, when the runtime has them (an ONNX export with its top-ids output): the ids
   * of each row's k largest log-probabilities, best first, the lower id first among equals.
   */
  topIds?: Int32Array;
  state: RecurrentState;
}

export interface InferenceRuntime {
  readonly name: 'onnx' | 'typescript';
  readonly vocabSize: number;
  /** Zero state for `batch` streams. */
  initialState(batch: number): RecurrentState;
  /**
   * tokens: [steps × batch] time-major ids. Returns log-probabilities of the LAST step only [batch × V] (or all
   * steps when allSteps) and the state after the last step. Does not mutate `state`.
   */
  run(tokens: Int32Array, steps: number, batch: number, state: RecurrentState, allSteps?: boolean): Promise<RunResult>;
  /** Picks rows of a state (beam reordering): result batch = indices.length. */
  selectRows(state: RecurrentState, indices: ArrayLike<number>): RecurrentState;
  dispose(): Promise<void>;
  readonly loadMilliseconds: number;
  /**
   * Growth of the process's resident memory while the runtime loaded, in bytes: a rough figure of what the
   * runtime costs (other work in the process during the load counts too; the garbage collector can make it small).
   */
  readonly loadMemoryBytes: number;
}

export type RuntimeKind = InferenceRuntime['name'];

export interface RuntimeOptions {
  /** Numeric kernels of the TypeScript runtime: SIMD WebAssembly (default) or the plain TypeScript reference. */
  kernels?: 'wasm' | 'typescript';
  /** Threads of the TypeScript runtime's wasm kernels. Default 1: one token step is too small to split well. */
  threads?: 1 | 2;
}
