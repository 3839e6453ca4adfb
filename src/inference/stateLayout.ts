import { CELLS } from '../model/cells';
import { ModelConfig } from '../model/config';
import { RecurrentState } from './runtime';

/** The shape of a model's recurrent state, and the checks and row operations both runtimes share. */
export class StateLayout {
  readonly layers: number;
  /** The cell's state kinds: LSTM h, c; GRU and RNN h. */
  readonly kinds: readonly string[];
  readonly hidden: number;

  constructor(config: ModelConfig) {
    this.layers = config.layers;
    this.kinds = CELLS[config.cell].stateNames;
    this.hidden = config.hiddenSize;
  }

  zero(batch: number): RecurrentState {
    checkBatch(batch);
    return { layers: this.map(() => new Float32Array(batch * this.hidden)) };
  }

  selectRows(state: RecurrentState, indices: ArrayLike<number>): RecurrentState {
    const batch = this.batchOf(state);
    const H = this.hidden;
    for (let i = 0; i < indices.length; i++) {
      const row = indices[i];
      if (!Number.isInteger(row) || row < 0 || row >= batch) throw new RangeError(`row index ${row} is outside the state's ${batch} rows`);
    }
    return {
      layers: this.map((l, k) => {
        const source = state.layers[l][k];
        const rows = new Float32Array(indices.length * H);
        for (let i = 0; i < indices.length; i++) rows.set(source.subarray(indices[i] * H, (indices[i] + 1) * H), i * H);
        return rows;
      }),
    };
  }

  /** Throws unless the state has this layout and `batch` rows. */
  check(state: RecurrentState, batch: number): void {
    const rows = this.batchOf(state);
    if (rows !== batch) throw new RangeError(`the state holds ${rows} streams but the batch is ${batch}`);
  }

  private batchOf(state: RecurrentState): number {
    const { layers, kinds, hidden } = this;
    if (state.layers.length !== layers || state.layers.some((kindsOfLayer) => kindsOfLayer.length !== kinds.length)) {
      throw new RangeError(`the state must have ${layers} layer(s) of ${kinds.length} array(s) (${kinds.join(', ')})`);
    }
    const size = state.layers[0][0].length;
    if (size % hidden !== 0 || state.layers.some((arrays) => arrays.some((a) => a.length !== size))) {
      throw new RangeError(`every state array must hold batch × ${hidden} floats, all of one batch`);
    }
    return size / hidden;
  }

  private map(make: (layer: number, kind: number) => Float32Array): Float32Array[][] {
    return Array.from({ length: this.layers }, (_, l) => this.kinds.map((__, k) => make(l, k)));
  }
}

/** Throws unless tokens is [steps × batch] of ids below vocabSize. */
export function checkRunArguments(tokens: Int32Array, steps: number, batch: number, vocabSize: number): void {
  checkBatch(batch);
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be a positive integer, got ${steps}`);
  if (tokens.length !== steps * batch) throw new RangeError(`tokens holds ${tokens.length} ids, expected steps × batch = ${steps * batch}`);
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] < 0 || tokens[i] >= vocabSize) throw new RangeError(`token id ${tokens[i]} is outside the vocabulary of ${vocabSize}`);
  }
}

function checkBatch(batch: number): void {
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`batch must be a positive integer, got ${batch}`);
}
