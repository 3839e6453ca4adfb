import { InferenceRuntime, RecurrentState } from '../inference/runtime';
import { Distribution, Predictor } from './predictor';

/** The recurrent model, through an inference runtime (onnxruntime-node or our TypeScript forward), as a Predictor. */
export class RuntimePredictor implements Predictor<RecurrentState> {
  readonly name: string;
  readonly vocabSize: number;
  private readonly zero: RecurrentState;

  constructor(private readonly runtime: InferenceRuntime) {
    this.name = runtime.name;
    this.vocabSize = runtime.vocabSize;
    this.zero = runtime.initialState(1);
  }

  initialState(): RecurrentState {
    return this.zero;
  }

  async advance(state: RecurrentState, tokens: readonly number[]): Promise<{ state: RecurrentState } & Distribution> {
    const result = await this.runtime.run(Int32Array.from(tokens), tokens.length, 1, state);
    // The engine keeps this distribution across keystrokes; the runtime may reuse its buffer.
    return { state: result.state, logProbs: result.logProbs.slice(0, this.vocabSize), topIds: result.topIds };
  }

  async stepMany(states: readonly RecurrentState[], tokens: readonly number[]): Promise<{ states: RecurrentState[] } & Distribution> {
    const result = await this.runtime.run(Int32Array.from(tokens), 1, states.length, concatenateRows(states));
    return {
      states: states.map((_, i) => this.runtime.selectRows(result.state, [i])),
      logProbs: result.logProbs,
      topIds: result.topIds,
    };
  }
}

/** Stacks single-stream states into one batch, row i from states[i]. */
function concatenateRows(states: readonly RecurrentState[]): RecurrentState {
  if (states.length === 1) return states[0];
  return {
    layers: states[0].layers.map((kinds, l) => kinds.map((row, k) => {
      const out = new Float32Array(row.length * states.length);
      states.forEach((s, i) => out.set(s.layers[l][k], i * row.length));
      return out;
    })),
  };
}
