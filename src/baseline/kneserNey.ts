// Kneser-Ney trigram baseline over the same token ids as the neural model, so that
// every quality figure can be printed next to a classical reference.
//
// Only the trigram counts are stored (and serialized). Everything else — the bigram
// and unigram continuation counts, the discounts' effects, the backoff weights — is
// derived from them, so training and loading share one code path and a file cannot
// hold lower-order tables that contradict its trigrams.

import { crc32 } from './crc32';

export interface KneserNeyOptions {
  /**
   * 'modified' (default): Chen & Goodman's modified KN, three discounts per order
   * (for n-grams seen once, twice, three or more times) estimated from counts-of-counts.
   * A number D in (0, 1]: original interpolated KN, the same D for every order and count.
   */
  discounts?: 'modified' | number;
}

/** Discounts for an n-gram whose (adjusted) count is 1, 2, and 3 or more. */
export type DiscountTriple = readonly [d1: number, d2: number, d3plus: number];

export interface KneserNeyDiscounts {
  readonly unigram: DiscountTriple;
  readonly bigram: DiscountTriple;
  readonly trigram: DiscountTriple;
}

export interface KneserNeySizes {
  /** Distinct (u, v) contexts followed by at least one word. */
  readonly trigramContexts: number;
  readonly trigramTypes: number;
  readonly bigramTypes: number;
  /** Bytes held in typed arrays by this instance. */
  readonly memoryBytes: number;
}

export interface Evaluation {
  readonly tokens: number;
  /** Total negative log-likelihood in nats. */
  readonly nats: number;
  readonly perplexity: number;
}

/**
 * Word ids and the begin-of-document id (= vocabSize) must fit in 16 bits, and a
 * (u, w) pair packed as u * V + w must fit in 32 bits: V (V + 1) - 1 < 2^32.
 */
export const MAX_VOCAB_SIZE = 65535;

/**
 * Chen & Goodman (1998), from the counts-of-counts n1..n4 of one order:
 *   Y = n1 / (n1 + 2 n2)
 *   D1 = 1 - 2 Y n2 / n1,   D2 = 2 - 3 Y n3 / n2,   D3+ = 3 - 4 Y n4 / n3
 * Small corpora leave some n_k at 0, making an estimate undefined or putting it
 * outside (0, k]. Such a discount falls back to Y (Ney's single absolute discount),
 * or to 0.5 when Y is degenerate too. Keeping 0 < D_k <= k guarantees that a seen
 * context always leaves mass for the lower order (no word gets probability 0) and
 * that no count is discounted below zero (so no clipping is needed to stay normalized).
 */
export function modifiedDiscounts(n1: number, n2: number, n3: number, n4: number): DiscountTriple {
  const y = n1 / (n1 + 2 * n2);
  const fallback = y > 0 && y <= 1 ? y : 0.5;
  const valid = (d: number, k: number): number => (d > 0 && d <= k ? d : fallback);
  return [
    valid(1 - (2 * y * n2) / n1, 1),
    valid(2 - (3 * y * n3) / n2, 2),
    valid(3 - (4 * y * n4) / n3, 3),
  ];
}

const discount = (d: DiscountTriple, count: number): number => (count === 1 ? d[0] : count === 2 ? d[1] : d[2]);
/** c - D(c) for a seen n-gram. */
const discounted = (count: number, d: DiscountTriple): number => count - discount(d, count);

/**
 * N-gram counts at one byte each. Zipf's law makes nearly every count tiny, and at
 * four bytes the counts would be the largest part of the model; the rare counts
 * >= 255 live in a side table sorted by index.
 */
class Counts {
  static readonly LARGE = 255;

  constructor(
    readonly small: Uint8Array,
    readonly largeAt: Uint32Array,
    readonly largeValue: Uint32Array,
  ) {}

  get(i: number): number {
    const c = this.small[i];
    return c !== Counts.LARGE ? c : this.largeValue[searchSorted(this.largeAt, 0, this.largeAt.length, i)];
  }

  get byteLength(): number {
    return this.small.byteLength + this.largeAt.byteLength + this.largeValue.byteLength;
  }
}

/** Builds Counts from counts assigned in increasing index order. */
class CountsBuilder {
  private readonly small: Uint8Array;
  private readonly largeAt: number[] = [];
  private readonly largeValue: number[] = [];

  constructor(length: number) {
    this.small = new Uint8Array(length);
  }

  set(i: number, count: number): void {
    if (count < Counts.LARGE) {
      this.small[i] = count;
    } else {
      this.small[i] = Counts.LARGE;
      this.largeAt.push(i);
      this.largeValue.push(count);
    }
  }

  finish(): Counts {
    return new Counts(this.small, Uint32Array.from(this.largeAt), Uint32Array.from(this.largeValue));
  }
}

/**
 * Trigram counts c(u v w), grouped by the middle word v. The begin-of-document
 * symbol BOS = vocabSize is a context word only, never predicted.
 * Contexts (u, v) for a given v are ctxU[ctxStart[v] .. ctxStart[v+1]), sorted by u;
 * the successors of context i are triW/triCount[triStart[i] .. triStart[i+1]), sorted by w.
 */
interface TrigramTable {
  readonly ctxStart: Uint32Array; // length V + 2
  readonly ctxU: Uint16Array;
  readonly triStart: Uint32Array; // length contexts + 1
  readonly triW: Uint16Array;
  readonly triCount: Counts;
}

/** Bigram adjusted counts, successors of v in biW/biCount[biStart[v] .. biStart[v+1]). */
interface BigramTable {
  readonly biStart: Uint32Array; // length V + 2
  readonly biW: Uint16Array;
  readonly biCount: Counts;
  /** Unigram continuation counts N1+(. w). */
  readonly uniCount: Uint32Array;
}

export class KneserNeyTrigram {
  readonly vocabSize: number;
  readonly unkId: number;
  readonly discounts: KneserNeyDiscounts;

  private readonly tri: TrigramTable;
  private readonly bi: BigramTable;
  private readonly ctxTotal: Uint32Array; // c(u v .)
  private readonly ctxGamma: Float32Array; // gamma3(u v); single precision because there are millions of contexts
  private readonly biTotal: Uint32Array; // N1+(. v .)
  private readonly biGamma: Float64Array; // gamma2(v)
  private readonly p1: Float64Array; // P1(w), final unigram distribution
  private readonly scratch: Float64Array;
  /** sparseDistribution's output: a context has at most V successors of each order. */
  private readonly successorIds: Int32Array;
  private readonly successorExtra: Float64Array;

  private constructor(vocabSize: number, unkId: number, discounts: KneserNeyDiscounts, tri: TrigramTable, bi: BigramTable) {
    this.vocabSize = vocabSize;
    this.unkId = unkId;
    this.discounts = discounts;
    this.tri = tri;
    this.bi = bi;
    const contexts = tri.ctxU.length;
    this.ctxTotal = new Uint32Array(contexts);
    this.ctxGamma = new Float32Array(contexts);
    groupTotalsAndGammas(tri.triStart, contexts, tri.triCount, discounts.trigram, this.ctxTotal, this.ctxGamma);
    this.biTotal = new Uint32Array(vocabSize + 1);
    this.biGamma = new Float64Array(vocabSize + 1);
    groupTotalsAndGammas(bi.biStart, vocabSize + 1, bi.biCount, discounts.bigram, this.biTotal, this.biGamma);
    this.p1 = unigramDistribution(bi.uniCount, discounts.unigram);
    this.scratch = new Float64Array(vocabSize);
    this.successorIds = new Int32Array(2 * vocabSize);
    this.successorExtra = new Float64Array(2 * vocabSize);
  }

  /**
   * docs: token-id sequences, one per document, ids in [0, vocabSize); read once, so a
   * generator works. Each document starts from the context (BOS, BOS), where BOS is a
   * virtual symbol outside the vocabulary. unkId is an ordinary word here: the caller
   * maps out-of-vocabulary tokens to it, and it gets a probability like any other.
   */
  static train(docs: Iterable<Int32Array>, vocabSize: number, unkId: number, options: KneserNeyOptions = {}): KneserNeyTrigram {
    checkVocab(vocabSize, unkId, 'KneserNeyTrigram.train');
    const fixed = options.discounts ?? 'modified';
    if (fixed !== 'modified' && !(typeof fixed === 'number' && fixed > 0 && fixed <= 1)) {
      throw new RangeError(`KneserNeyTrigram.train: discounts must be 'modified' or a number in (0, 1], got ${String(fixed)}`);
    }
    const tri = countTrigrams(docs, vocabSize);
    const bi = deriveBigrams(tri, vocabSize);
    let discounts: KneserNeyDiscounts;
    if (fixed === 'modified') {
      discounts = {
        unigram: modifiedDiscounts(...countsOfCounts(bi.uniCount)),
        bigram: modifiedDiscounts(...countsOfCounts(bi.biCount.small)),
        trigram: modifiedDiscounts(...countsOfCounts(tri.triCount.small)),
      };
    } else {
      const d: DiscountTriple = [fixed, fixed, fixed];
      discounts = { unigram: d, bigram: d, trigram: d };
    }
    return new KneserNeyTrigram(vocabSize, unkId, discounts, tri, bi);
  }

  get sizes(): KneserNeySizes {
    const parts: { byteLength: number }[] = [
      ...Object.values(this.tri), ...Object.values(this.bi),
      this.ctxTotal, this.ctxGamma, this.biTotal, this.biGamma, this.p1, this.scratch, this.successorIds, this.successorExtra,
    ];
    return {
      trigramContexts: this.tri.ctxU.length,
      trigramTypes: this.tri.triW.length,
      bigramTypes: this.bi.biW.length,
      memoryBytes: parts.reduce((sum, a) => sum + a.byteLength, 0),
    };
  }

  /** log P(w | u v), natural log; u, v are the previous two ids, -1 before the document start. */
  logProb(u: number, v: number, w: number): number {
    const V = this.vocabSize;
    const cv = this.contextWord(u, v, 'logProb');
    const cu = u === -1 ? V : u;
    if (!(Number.isInteger(w) && w >= 0 && w < V)) throw new RangeError(`logProb: word id ${w} outside [0, ${V})`);
    const { biStart, biW, biCount } = this.bi;
    const { triStart, triW, triCount } = this.tri;
    const d = this.discounts;

    // Same equations as logDistribution, evaluated for one w.
    let p = this.p1[w];
    const bs = biStart[cv], be = biStart[cv + 1];
    if (be > bs) {
      const i = searchSorted(biW, bs, be, w);
      const a2 = i < 0 ? 0 : discounted(biCount.get(i), d.bigram) / this.biTotal[cv];
      p = a2 + this.biGamma[cv] * p;
    }
    const ctx = this.findContext(cu, cv);
    if (ctx >= 0) {
      const i = searchSorted(triW, triStart[ctx], triStart[ctx + 1], w);
      const a3 = i < 0 ? 0 : discounted(triCount.get(i), d.trigram) / this.ctxTotal[ctx];
      p = a3 + this.ctxGamma[ctx] * p;
    }
    return Math.log(p);
  }

  /**
   * Interpolated Kneser-Ney, highest order on raw counts, lower orders on
   * continuation counts (D(c) is the order's discount for count c, 0 < D(c) <= c):
   *
   *   P3(w | u v) = (c(u v w) - D3(c(u v w))) / c(u v .)        + gamma3(u v) P2(w | v)
   *   P2(w | v)   = (N1+(. v w) - D2(N1+(. v w))) / N1+(. v .)  + gamma2(v)   P1(w)
   *   P1(w)       = (N1+(. w) - D1(N1+(. w))) / N1+(. .)        + gamma1      / V
   *
   *   gamma(ctx)  = (D(1) N1(ctx .) + D(2) N2(ctx .) + D(3+) N3+(ctx .)) / total(ctx .)
   *
   * where N1+(. v w) = |{u : c(u v w) > 0}|, N1+(. w) = |{v : N1+(. v w) > 0}|,
   * Nk(ctx .) is the number of successors of ctx with count k, and a term whose
   * count is 0 vanishes. An unseen context contributes nothing and passes its
   * lower order through unchanged (gamma = 1). For v = BOS there is no word to the
   * left to count continuations over, so (as in KenLM) N1+(. BOS w) is the raw
   * count c(BOS w), i.e. how many documents start with w.
   *
   * Expanded: P3(w) = a3(w) + gamma3 (a2(w) + gamma2 P1(w)), so one O(V) pass scales
   * P1 by gamma3 gamma2 and the sparse a2, a3 terms are added over successors only.
   */
  logDistribution(u: number, v: number, out: Float32Array): void {
    const p = this.scratch;
    this.distribution(u, v, p, 'logDistribution');
    if (out.length !== p.length) throw new RangeError(`logDistribution: out has length ${out.length}, expected vocabSize ${p.length}`);
    for (let w = 0; w < p.length; w++) out[w] = Math.log(p[w]);
  }

  /** P(w | u v) for every w (as logDistribution, without the logarithms), into `out` of length vocabSize. */
  distribution(u: number, v: number, out: Float64Array, caller = 'distribution'): void {
    const V = this.vocabSize;
    if (out.length !== V) throw new RangeError(`${caller}: out has length ${out.length}, expected vocabSize ${V}`);
    const { scale, count, ids, extra } = this.sparseDistribution(u, v, caller);
    const p1 = this.p1;
    for (let w = 0; w < V; w++) out[w] = scale * p1[w];
    for (let i = 0; i < count; i++) out[ids[i]] += extra[i];
  }

  /**
   * P(. | u v) in the expanded form of logDistribution: P(w) = scale P1(w) plus extra[i] for every i < count with
   * ids[i] = w (the successors of v and of u v; a word can be both). ids and extra are reused by the next call.
   */
  sparseDistribution(u: number, v: number, caller = 'sparseDistribution'): { scale: number; count: number; ids: Int32Array; extra: Float64Array } {
    const V = this.vocabSize;
    const cv = this.contextWord(u, v, caller);
    const cu = u === -1 ? V : u;
    const { biStart, biW, biCount } = this.bi;
    const { triStart, triW, triCount } = this.tri;
    const d = this.discounts;
    const { successorIds: ids, successorExtra: extra } = this;

    const bs = biStart[cv], be = biStart[cv + 1];
    const ctx = this.findContext(cu, cv);
    const gamma2 = be > bs ? this.biGamma[cv] : 1;
    const gamma3 = ctx >= 0 ? this.ctxGamma[ctx] : 1;
    let count = 0;
    if (be > bs) {
      const scale = gamma3 / this.biTotal[cv];
      for (let i = bs; i < be; i++, count++) {
        ids[count] = biW[i];
        extra[count] = scale * discounted(biCount.get(i), d.bigram);
      }
    }
    if (ctx >= 0) {
      const scale = 1 / this.ctxTotal[ctx];
      for (let i = triStart[ctx], e = triStart[ctx + 1]; i < e; i++, count++) {
        ids[count] = triW[i];
        extra[count] = scale * discounted(triCount.get(i), d.trigram);
      }
    }
    return { scale: gamma3 * gamma2, count, ids, extra };
  }

  /** P1(w), the unigram distribution every context backs off to. */
  unigram(): Float64Array {
    return this.p1;
  }

  /**
   * Per-token cross-entropy over documents, each starting from the begin-of-document
   * context; OOV tokens must already be mapped to unkId. Perplexity is NaN for no tokens.
   */
  evaluate(docs: Iterable<Int32Array>): Evaluation {
    let tokens = 0;
    let nats = 0;
    for (const doc of docs) {
      let u = -1, v = -1;
      for (let i = 0; i < doc.length; i++) {
        const w = doc[i];
        nats -= this.logProb(u, v, w);
        u = v;
        v = w;
      }
      tokens += doc.length;
    }
    return { tokens, nats, perplexity: Math.exp(nats / tokens) };
  }

  /**
   * Layout (little-endian): header, then the trigram table, then CRC-32 of all
   * preceding bytes.
   *   header:  magic "KNT3", u32 version, u32 vocabSize, u32 unkId, u32 contexts C,
   *            u32 trigram types T, u32 counts >= 255 L,
   *            f64 x 9 discounts (unigram, bigram, trigram; D1 D2 D3+)
   *   table:   u32[V+2] ctxStart, u16[C] ctxU, u32[C+1] triStart, u16[T] triW,
   *            u8[T] counts (255 = look up the side table), u32[L] largeAt, u32[L] largeValue
   */
  serialize(): Uint8Array {
    assertLittleEndian();
    const { ctxStart, ctxU, triStart, triW, triCount } = this.tri;
    const sections = [ctxStart, ctxU, triStart, triW, triCount.small, triCount.largeAt, triCount.largeValue];
    const length = HEADER_BYTES + sections.reduce((sum, a) => sum + a.byteLength, 0) + 4;
    const bytes = new Uint8Array(length);
    const view = new DataView(bytes.buffer);
    bytes.set(MAGIC, 0);
    view.setUint32(4, FORMAT_VERSION, true);
    view.setUint32(8, this.vocabSize, true);
    view.setUint32(12, this.unkId, true);
    view.setUint32(16, ctxU.length, true);
    view.setUint32(20, triW.length, true);
    view.setUint32(24, triCount.largeAt.length, true);
    const { unigram, bigram, trigram } = this.discounts;
    [...unigram, ...bigram, ...trigram].forEach((d, k) => view.setFloat64(DISCOUNTS_AT + 8 * k, d, true));
    let offset = HEADER_BYTES;
    for (const a of sections) {
      bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
      offset += a.byteLength;
    }
    view.setUint32(offset, crc32(bytes.subarray(0, offset)), true);
    return bytes;
  }

  static deserialize(bytes: Uint8Array): KneserNeyTrigram {
    assertLittleEndian();
    const fail = (why: string): never => {
      throw new Error(`Invalid Kneser-Ney trigram file: ${why}`);
    };
    if (bytes.length < HEADER_BYTES) fail(`truncated (${bytes.length} bytes, the header alone needs ${HEADER_BYTES})`);
    for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) fail('bad magic number, not a Kneser-Ney trigram file');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const version = view.getUint32(4, true);
    if (version !== FORMAT_VERSION) fail(`unsupported format version ${version} (expected ${FORMAT_VERSION})`);
    const V = view.getUint32(8, true);
    const unkId = view.getUint32(12, true);
    const C = view.getUint32(16, true);
    const T = view.getUint32(20, true);
    const L = view.getUint32(24, true);
    if (V < 1 || V > MAX_VOCAB_SIZE) fail(`vocabulary size ${V} outside [1, ${MAX_VOCAB_SIZE}]`);
    if (unkId >= V) fail(`<unk> id ${unkId} outside [0, ${V})`);
    const expected = HEADER_BYTES + 4 * (V + 2) + 2 * C + 4 * (C + 1) + 3 * T + 8 * L + 4;
    if (bytes.length < expected) fail(`truncated (${bytes.length} bytes, expected ${expected})`);
    if (bytes.length > expected) fail(`${bytes.length - expected} unexpected trailing bytes`);
    const stored = view.getUint32(expected - 4, true);
    if (crc32(bytes.subarray(0, expected - 4)) !== stored) fail('checksum mismatch, the data is corrupt');

    const triple = (at: number): DiscountTriple => {
      const d: DiscountTriple = [view.getFloat64(at, true), view.getFloat64(at + 8, true), view.getFloat64(at + 16, true)];
      d.forEach((x, k) => {
        if (!(x > 0 && x <= k + 1)) fail(`discount D${k + 1} = ${x} outside (0, ${k + 1}]`);
      });
      return d;
    };
    const discounts = { unigram: triple(DISCOUNTS_AT), bigram: triple(DISCOUNTS_AT + 24), trigram: triple(DISCOUNTS_AT + 48) };

    let offset = HEADER_BYTES;
    const take = <A extends Uint8Array | Uint16Array | Uint32Array>(make: new (n: number) => A, n: number): A => {
      const a = new make(n);
      new Uint8Array(a.buffer).set(bytes.subarray(offset, offset + a.byteLength));
      offset += a.byteLength;
      return a;
    };
    const tri: TrigramTable = {
      ctxStart: take(Uint32Array, V + 2),
      ctxU: take(Uint16Array, C),
      triStart: take(Uint32Array, C + 1),
      triW: take(Uint16Array, T),
      triCount: new Counts(take(Uint8Array, T), take(Uint32Array, L), take(Uint32Array, L)),
    };
    const problem = checkTrigramTable(tri, V);
    if (problem !== undefined) fail(problem);
    return new KneserNeyTrigram(V, unkId, discounts, tri, deriveBigrams(tri, V));
  }

  /** Validates a (u, v) context and returns v as a table index (BOS = vocabSize). */
  private contextWord(u: number, v: number, caller: string): number {
    const V = this.vocabSize;
    const ok = (x: number) => Number.isInteger(x) && x >= -1 && x < V;
    if (!ok(u) || !ok(v) || (v === -1 && u !== -1)) {
      throw new RangeError(`${caller}: context (${u}, ${v}) invalid; ids are in [0, ${V}) or -1 before the document start`);
    }
    return v === -1 ? V : v;
  }

  private findContext(u: number, v: number): number {
    const { ctxStart, ctxU } = this.tri;
    return searchSorted(ctxU, ctxStart[v], ctxStart[v + 1], u);
  }
}

const MAGIC = Uint8Array.of(0x4b, 0x4e, 0x54, 0x33); // "KNT3"
const FORMAT_VERSION = 1;
const DISCOUNTS_AT = 28;
const HEADER_BYTES = DISCOUNTS_AT + 9 * 8;

function assertLittleEndian(): void {
  // Sections are copied as raw typed-array memory; the format is little-endian.
  if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1) {
    throw new Error('Kneser-Ney trigram files are only supported on little-endian hosts');
  }
}

function checkVocab(vocabSize: number, unkId: number, caller: string): void {
  if (!(Number.isInteger(vocabSize) && vocabSize >= 1 && vocabSize <= MAX_VOCAB_SIZE)) {
    throw new RangeError(`${caller}: vocabSize ${vocabSize} must be an integer in [1, ${MAX_VOCAB_SIZE}]`);
  }
  if (!(Number.isInteger(unkId) && unkId >= 0 && unkId < vocabSize)) {
    throw new RangeError(`${caller}: unkId ${unkId} outside [0, ${vocabSize})`);
  }
}

/** Index of x in the sorted range a[lo .. hi), or -1. */
function searchSorted(a: Uint16Array | Uint32Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const m = a[mid];
    if (m < x) lo = mid + 1;
    else if (m > x) hi = mid;
    else return mid;
  }
  return -1;
}

/** n1..n4 (counts of 255 and more are never needed here, so Counts.small suffices). */
function countsOfCounts(counts: Uint8Array | Uint32Array): [number, number, number, number] {
  const n: [number, number, number, number] = [0, 0, 0, 0];
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (c >= 1 && c <= 4) n[c - 1]++;
  }
  return n;
}

/** total(ctx .) and gamma(ctx) for every group of successor counts (see logDistribution). */
function groupTotalsAndGammas(
  start: Uint32Array, groups: number, counts: Counts, d: DiscountTriple, total: Uint32Array, gamma: Float32Array | Float64Array,
): void {
  for (let g = 0; g < groups; g++) {
    let sum = 0;
    let mass = 0;
    for (let i = start[g], e = start[g + 1]; i < e; i++) {
      const c = counts.get(i);
      sum += c;
      mass += discount(d, c);
    }
    total[g] = sum;
    gamma[g] = sum > 0 ? mass / sum : 1;
  }
}

/** P1(w) = (N1+(. w) - D1(N1+(. w))) / N1+(. .) + gamma1 / V; uniform when nothing was seen. */
function unigramDistribution(uniCount: Uint32Array, d: DiscountTriple): Float64Array {
  const V = uniCount.length;
  let total = 0;
  let mass = 0;
  for (let w = 0; w < V; w++) {
    if (uniCount[w] > 0) {
      total += uniCount[w];
      mass += discount(d, uniCount[w]);
    }
  }
  const p1 = new Float64Array(V);
  const uniform = (total > 0 ? mass / total : 1) / V;
  for (let w = 0; w < V; w++) {
    const c = uniCount[w];
    p1[w] = (c > 0 ? discounted(c, d) / total : 0) + uniform;
  }
  return p1;
}

/**
 * Counts trigrams without a hash table: every predicted token becomes the 32-bit key
 * u * V + w placed in the bucket of its middle word v (counting sort), each bucket
 * is sorted natively, and runs of equal keys are the trigram types, already grouped
 * by context (u, v) and sorted by w.
 */
function countTrigrams(docs: Iterable<Int32Array>, V: number): TrigramTable {
  const { keys, bucketStart } = bucketByMiddleWord(docs, V);
  for (let v = 0; v <= V; v++) keys.subarray(bucketStart[v], bucketStart[v + 1]).sort();

  // Exact sizes first so that the tables are allocated once.
  let contexts = 0;
  let types = 0;
  for (let v = 0; v <= V; v++) {
    let prevKey = -1;
    let prevU = -1;
    for (let i = bucketStart[v], e = bucketStart[v + 1]; i < e; i++) {
      const key = keys[i];
      if (key === prevKey) continue;
      prevKey = key;
      types++;
      const u = Math.floor(key / V);
      if (u !== prevU) {
        prevU = u;
        contexts++;
      }
    }
  }

  const ctxStart = new Uint32Array(V + 2);
  const ctxU = new Uint16Array(contexts);
  const triStart = new Uint32Array(contexts + 1);
  const triW = new Uint16Array(types);
  const triCount = new CountsBuilder(types);
  let c = 0;
  let t = 0;
  for (let v = 0; v <= V; v++) {
    ctxStart[v] = c;
    let prevU = -1;
    for (let i = bucketStart[v], e = bucketStart[v + 1]; i < e; ) {
      const key = keys[i];
      let j = i + 1;
      while (j < e && keys[j] === key) j++;
      const u = Math.floor(key / V);
      if (u !== prevU) {
        prevU = u;
        ctxU[c] = u;
        triStart[c] = t;
        c++;
      }
      triW[t] = key - u * V;
      triCount.set(t, j - i);
      t++;
      i = j;
    }
  }
  ctxStart[V + 1] = c;
  triStart[c] = t;
  return { ctxStart, ctxU, triStart, triW, triCount: triCount.finish() };
}

/**
 * Keys u * V + w of all predicted tokens, bucketed by v. Documents are first copied
 * into one 16-bit stream (each preceded by BOS) because the bucket sizes must be
 * known before the keys can be placed, and `docs` may be a one-shot generator.
 */
function bucketByMiddleWord(docs: Iterable<Int32Array>, V: number): { keys: Uint32Array; bucketStart: Uint32Array } {
  const bos = V;
  let stream = new Uint16Array(1 << 16);
  let n = 0;
  const perV = new Uint32Array(V + 1);
  let docIndex = 0;
  for (const doc of docs) {
    if (doc.length > 0) {
      if (n + doc.length + 1 > stream.length) {
        const grown = new Uint16Array(Math.max(2 * stream.length, n + doc.length + 1));
        grown.set(stream.subarray(0, n));
        stream = grown;
      }
      stream[n++] = bos;
      let prev = bos;
      for (let i = 0; i < doc.length; i++) {
        const w = doc[i];
        if (!(w >= 0 && w < V)) {
          throw new RangeError(`KneserNeyTrigram.train: document ${docIndex}, position ${i}: token id ${w} outside [0, ${V})`);
        }
        stream[n++] = w;
        perV[prev]++;
        prev = w;
      }
    }
    docIndex++;
  }

  const bucketStart = new Uint32Array(V + 2);
  for (let v = 0; v <= V; v++) bucketStart[v + 1] = bucketStart[v] + perV[v];
  const next = bucketStart.slice(0, V + 1);
  const keys = new Uint32Array(bucketStart[V + 1]);
  for (let i = 1; i < n; i++) {
    const w = stream[i];
    if (w === bos) continue;
    const v = stream[i - 1];
    const u = v === bos ? bos : stream[i - 2];
    keys[next[v]++] = u * V + w;
  }
  return { keys, bucketStart };
}

/**
 * Bigram adjusted counts N1+(. v w) — the number of contexts (u, v) in the trigram
 * table followed by w, or the raw count c(BOS w) for v = BOS — and from them the
 * unigram continuation counts N1+(. w), the number of bigram types ending in w.
 */
function deriveBigrams(tri: TrigramTable, V: number): BigramTable {
  const { ctxStart, triStart, triW, triCount } = tri;
  const bos = V;
  const stamp = new Uint32Array(V);
  let types = 0;
  for (let v = 0; v <= V; v++) {
    for (let t = triStart[ctxStart[v]], e = triStart[ctxStart[v + 1]]; t < e; t++) {
      if (stamp[triW[t]] !== v + 1) {
        stamp[triW[t]] = v + 1;
        types++;
      }
    }
  }

  const biStart = new Uint32Array(V + 2);
  const biW = new Uint16Array(types);
  const biCount = new CountsBuilder(types);
  const uniCount = new Uint32Array(V);
  const adjusted = new Uint32Array(V);
  const touched = new Uint16Array(V);
  let b = 0;
  for (let v = 0; v <= V; v++) {
    biStart[v] = b;
    let nt = 0;
    for (let t = triStart[ctxStart[v]], e = triStart[ctxStart[v + 1]]; t < e; t++) {
      const w = triW[t];
      if (adjusted[w] === 0) touched[nt++] = w;
      adjusted[w] += v === bos ? triCount.get(t) : 1;
    }
    const ws = touched.subarray(0, nt).sort();
    for (let k = 0; k < nt; k++) {
      const w = ws[k];
      biW[b] = w;
      biCount.set(b, adjusted[w]);
      b++;
      adjusted[w] = 0;
      uniCount[w]++;
    }
  }
  biStart[V + 1] = b;
  return { biStart, biW, biCount: biCount.finish(), uniCount };
}

/** Structural invariants the rest of the class relies on; a message for the first violation. */
function checkTrigramTable(tri: TrigramTable, V: number): string | undefined {
  const { ctxStart, ctxU, triStart, triW, triCount } = tri;
  const C = ctxU.length;
  const T = triW.length;
  if (ctxStart[0] !== 0 || ctxStart[V + 1] !== C) return 'context index does not cover the contexts';
  if (triStart[0] !== 0 || triStart[C] !== T) return 'successor index does not cover the trigrams';
  for (let v = 0; v <= V; v++) {
    const lo = ctxStart[v], hi = ctxStart[v + 1];
    if (hi < lo || hi > C) return `context index decreases at word ${v}`;
    for (let i = lo; i < hi; i++) {
      const u = ctxU[i];
      // Only BOS precedes BOS; any word or BOS may precede a word.
      if (v === V ? u !== V : u > V) return `context ${i} has invalid first word ${u}`;
      if (i > lo && u <= ctxU[i - 1]) return `contexts of word ${v} are not strictly increasing`;
    }
  }
  for (let c = 0; c < C; c++) {
    const lo = triStart[c], hi = triStart[c + 1];
    if (hi <= lo || hi > T) return `context ${c} has an empty or out-of-range successor list`;
    for (let i = lo; i < hi; i++) {
      if (triW[i] >= V) return `trigram ${i} predicts id ${triW[i]} outside the vocabulary`;
      if (i > lo && triW[i] <= triW[i - 1]) return `successors of context ${c} are not strictly increasing`;
    }
  }
  const { small, largeAt, largeValue } = triCount;
  let marked = 0;
  for (let i = 0; i < T; i++) {
    if (small[i] === 0) return `trigram ${i} has count 0`;
    if (small[i] === Counts.LARGE) marked++;
  }
  if (marked !== largeAt.length) return `${marked} counts refer to the side table of ${largeAt.length} large counts`;
  for (let k = 0; k < largeAt.length; k++) {
    const i = largeAt[k];
    if (i >= T || small[i] !== Counts.LARGE || (k > 0 && i <= largeAt[k - 1])) return `large count ${k} has an invalid index ${i}`;
    if (largeValue[k] < Counts.LARGE) return `large count ${k} is only ${largeValue[k]}`;
  }
  return undefined;
}
