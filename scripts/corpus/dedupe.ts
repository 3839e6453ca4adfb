// De-duplication of paragraphs across the whole corpus: exact (after folding case and punctuation) and near
// (MinHash over word shingles, banded LSH, then a check of the estimated Jaccard similarity). The first paragraph
// seen wins, so the order of sources and files decides which copy stays.
import { createHash } from 'node:crypto';
import { fmix32, fnv1a32 } from './hash';

export const DEDUPE_PARAMETERS = {
  shingleWords: 3,
  hashes: 64,
  bands: 16,
  /** Estimated Jaccard similarity of shingle sets at or above which a paragraph is a near-duplicate. */
  threshold: 0.7,
} as const;

const ROWS = DEDUPE_PARAMETERS.hashes / DEDUPE_PARAMETERS.bands;
const SEEDS = Uint32Array.from({ length: DEDUPE_PARAMETERS.hashes }, (_, i) => fmix32(0x9e3779b9 + i * 0x7f4a7c15));

/** Lower case, letters and digits only: "Returns the value." and "returns the value" are one paragraph. */
export function foldForDedupe(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

export function minHashSignature(words: readonly string[]): Uint32Array {
  const k = DEDUPE_PARAMETERS.shingleWords;
  const signature = new Uint32Array(DEDUPE_PARAMETERS.hashes).fill(0xffffffff);
  const wordHashes = words.map((w) => fnv1a32(w));
  const shingles = Math.max(1, wordHashes.length - k + 1);
  for (let s = 0; s < shingles; s++) {
    let h = 0;
    for (let j = s; j < Math.min(s + k, wordHashes.length); j++) h = fmix32(Math.imul(h, 0x9e3779b1) ^ wordHashes[j]);
    for (let i = 0; i < signature.length; i++) {
      const v = fmix32(h ^ SEEDS[i]);
      if (v < signature[i]) signature[i] = v;
    }
  }
  return signature;
}

export function estimatedJaccard(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

export class ParagraphDeduper {
  private readonly exact = new Set<string>();
  /** One map per band from the band's hash to the first kept paragraph that had it. */
  private readonly bands: Map<number, number>[] = Array.from({ length: DEDUPE_PARAMETERS.bands }, () => new Map());
  private readonly signatures: Uint32Array[] = [];

  /** Records the paragraph if it is new; otherwise says what kind of copy it is. */
  check(text: string): 'duplicate' | 'near-duplicate' | null {
    const words = foldForDedupe(text);
    const key = createHash('sha1').update(words.join(' ')).digest('base64');
    if (this.exact.has(key)) return 'duplicate';
    this.exact.add(key);

    const signature = minHashSignature(words);
    const bandKeys: number[] = [];
    for (let b = 0; b < DEDUPE_PARAMETERS.bands; b++) {
      let h = b;
      for (let r = 0; r < ROWS; r++) h = fmix32(Math.imul(h, 0x9e3779b1) ^ signature[b * ROWS + r]);
      bandKeys.push(h);
      const other = this.bands[b].get(h);
      if (other !== undefined && estimatedJaccard(signature, this.signatures[other]) >= DEDUPE_PARAMETERS.threshold) {
        return 'near-duplicate';
      }
    }
    const id = this.signatures.length;
    this.signatures.push(signature);
    bandKeys.forEach((h, b) => {
      if (!this.bands[b].has(h)) this.bands[b].set(h, id);
    });
    return null;
  }
}
