import { Random } from '../model/random';

/**
 * Cuts one long token stream into `batch` parallel streams and walks them in chunks of `steps` tokens,
 * time-major, so that the recurrent state at the end of one chunk is the right starting state for the next
 * (truncated BPTT with carried state). Each epoch starts the streams at a seeded random offset so that chunk
 * boundaries move between epochs.
 */
export class StreamBatcher {
  readonly inputs: Int32Array;
  readonly targets: Int32Array;
  private readonly streamLength: number;

  constructor(private readonly tokens: Int32Array, readonly batch: number, readonly steps: number) {
    this.streamLength = Math.floor((tokens.length - 1) / batch);
    if (this.streamLength < 2) {
      throw new Error(`corpus too small: ${tokens.length} tokens cannot fill ${batch} streams`);
    }
    this.inputs = new Int32Array(batch * steps);
    this.targets = new Int32Array(batch * steps);
  }

  /** Chunks in one epoch. */
  chunksPerEpoch(): number {
    return Math.ceil((this.streamLength - 1) / this.steps);
  }

  tokensPerEpoch(): number {
    return (this.streamLength - 1) * this.batch;
  }

  /**
   * Yields the number of steps filled in this.inputs / this.targets (the last chunk may be shorter).
   * Row t·B + b holds stream b at step t. Without a Random the streams start at offset 0 (validation).
   * `firstChunk` skips the chunks before it (the shift is drawn all the same, so the rest are the same chunks).
   */
  *epoch(random?: Random, firstChunk = 0): Generator<number> {
    const { batch: B, steps: T, tokens } = this;
    const shift = random ? random.int(Math.max(1, Math.min(T, this.streamLength - 1))) : 0;
    const usable = this.streamLength - shift;
    for (let start = firstChunk * T; start + 1 < usable; start += T) {
      const steps = Math.min(T, usable - 1 - start);
      for (let b = 0; b < B; b++) {
        const base = b * this.streamLength + shift + start;
        for (let t = 0; t < steps; t++) {
          this.inputs[t * B + b] = tokens[base + t];
          this.targets[t * B + b] = tokens[base + t + 1];
        }
      }
      yield steps;
    }
  }
}
