import { Tensor } from './parameters';

/**
 * Embedding lookup: x_t = E[token_t], E is [V × E].
 * Backward scatters dx rows back into the rows of dE that were read (rows repeat, so it accumulates).
 */
export function embeddingForward(table: Tensor, tokens: Int32Array, rows: number, out: Float32Array): void {
  const width = table.shape[1];
  for (let r = 0; r < rows; r++) {
    const id = tokens[r];
    out.set(table.value.subarray(id * width, (id + 1) * width), r * width);
  }
}

export function embeddingBackward(table: Tensor, tokens: Int32Array, rows: number, dOut: Float32Array): void {
  const width = table.shape[1];
  const grad = table.grad;
  for (let r = 0; r < rows; r++) {
    const base = tokens[r] * width, src = r * width;
    for (let j = 0; j < width; j++) grad[base + j] += dOut[src + j];
  }
}
