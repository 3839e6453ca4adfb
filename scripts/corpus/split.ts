// Seeded, order-independent assignment of whole documents to train/valid/test, so that no paragraph of an
// evaluation document was seen in training, and the same document always lands in the same split.
import { createHash } from 'node:crypto';

export type Split = 'train' | 'valid' | 'test';
export const SPLITS: readonly Split[] = ['train', 'valid', 'test'];

export interface SplitParameters {
  seed: string;
  valid: number;
  test: number;
}

/** A number in [0, 1) fixed by the seed and the document's identity alone. */
export function documentDraw(seed: string, source: string, id: string): number {
  const digest = createHash('sha256').update(`${seed}\0${source}\0${id}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

export function assignSplit(draw: number, params: SplitParameters): Split {
  if (draw < params.test) return 'test';
  if (draw < params.test + params.valid) return 'valid';
  return 'train';
}
