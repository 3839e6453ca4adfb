import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { KneserNeyTrigram, modifiedDiscounts } from '../../src/baseline/kneserNey';
import { crc32 } from '../../src/baseline/crc32';

/** Deterministic PRNG (mulberry32) so corpora are reproducible. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Synthetic source over V = 40: ids 0..37 are words, 38 is <unk>, 39 never occurs
// (so contexts containing it are unseen). A second-order Markov chain: mostly one of
// three favourites of (u, v), otherwise a skewed draw over all emitted ids.
const V = 40;
const UNK = 38;
const NEVER = 39;

function sampleDocs(seed: number, tokens: number): Int32Array[] {
  const r = rng(seed);
  const docs: Int32Array[] = [];
  let produced = 0;
  while (produced < tokens) {
    const doc = new Int32Array(Math.min(tokens - produced, 20 + Math.floor(r() * 80)));
    let u = 0, v = 0;
    for (let i = 0; i < doc.length; i++) {
      const w = r() < 0.8
        ? (u * 7 + v * 13 + 5 * Math.floor(r() * r() * 3)) % 38
        : Math.floor(r() * r() * (UNK + 1));
      doc[i] = w;
      u = v;
      v = w;
    }
    docs.push(doc);
    produced += doc.length;
  }
  return docs;
}

function distribution(model: KneserNeyTrigram, u: number, v: number): Float32Array {
  const out = new Float32Array(model.vocabSize);
  model.logDistribution(u, v, out);
  return out;
}

function assertNormalized(model: KneserNeyTrigram, u: number, v: number): void {
  const out = distribution(model, u, v);
  let sum = 0;
  for (let w = 0; w < out.length; w++) {
    assert.ok(Number.isFinite(out[w]), `log P(${w} | ${u} ${v}) = ${out[w]}`);
    sum += Math.exp(out[w]);
    assert.ok(Math.abs(out[w] - model.logProb(u, v, w)) < 1e-6, `logDistribution and logProb disagree at (${u} ${v} ${w})`);
  }
  assert.ok(Math.abs(sum - 1) < 1e-5, `P(. | ${u} ${v}) sums to ${sum}`);
}

describe('KneserNeyTrigram', () => {
  // Corpus of 10 tokens, vocabulary a=0 b=1 c=2 <unk>=3, two documents; <s> is the
  // begin-of-document symbol:
  //   <s> <s> a b a b c    and    <s> <s> a b c a b
  // Trigram counts c(u v w):
  //   (<s> <s> a) 2, (<s> a b) 2, (a b a) 1, (b a b) 1, (a b c) 2, (b c a) 1, (c a b) 1
  // Bigram continuation counts N1+(. v w) (distinct u), raw c(<s> w) after <s>:
  //   a->b: {<s>, b, c} = 3;  b->a: {a} = 1;  b->c: {a} = 1;  c->a: {b} = 1;  <s>->a: 2
  // Unigram continuation counts N1+(. w) (distinct v):
  //   a: {<s>, b, c} = 3;  b: {a} = 1;  c: {b} = 1;  <unk>: 0;   N1+(. .) = 5
  const tiny = [Int32Array.of(0, 1, 0, 1, 2), Int32Array.of(0, 1, 2, 0, 1)];
  const [a, b, c, unk] = [0, 1, 2, 3];
  const p = (model: KneserNeyTrigram, u: number, v: number, w: number) => Math.exp(model.logProb(u, v, w));
  // gamma3 is kept in single precision (millions of contexts), hence 1e-7 and not 1e-12.
  const close = (actual: number, expected: number) =>
    assert.ok(Math.abs(actual - expected) < 1e-7, `${actual} != ${expected}`);

  describe('hand-computed interpolated KN, D = 0.5 for every order', () => {
    const model = KneserNeyTrigram.train(tiny, 4, unk, { discounts: 0.5 });
    const D = 0.5;
    // P1(w) = (N1+(. w) - D) / 5 + gamma1 / 4,   gamma1 = D * 3 seen words / 5 = 0.3
    const gamma1 = (D * 3) / 5;
    const P1 = [(3 - D) / 5 + gamma1 / 4, (1 - D) / 5 + gamma1 / 4, (1 - D) / 5 + gamma1 / 4, gamma1 / 4];
    // P2(w | b): successors {a: 1, c: 1}, N1+(. b .) = 2, gamma2(b) = D * 2 / 2
    const gamma2b = (D * 2) / 2;
    const P2b = [(1 - D) / 2 + gamma2b * P1[a], gamma2b * P1[b], (1 - D) / 2 + gamma2b * P1[c], gamma2b * P1[unk]];
    // P2(w | <s>): successors {a: 2}, total 2, gamma2(<s>) = D * 1 / 2
    const gamma2s = D / 2;
    const P2s = [(2 - D) / 2 + gamma2s * P1[a], gamma2s * P1[b], gamma2s * P1[c], gamma2s * P1[unk]];

    it('matches the unigram values (0.575 0.175 0.175 0.075) when v is never a context', () => {
      assert.deepEqual(P1.map((x) => +x.toFixed(12)), [0.575, 0.175, 0.175, 0.075]);
      for (let w = 0; w < 4; w++) close(p(model, a, unk, w), P1[w]);
    });

    it('P3(w | a b) = (c(a b w) - D) / 3 + gamma3(a b) P2(w | b)', () => {
      // context (a b): successors {a: 1, c: 2}, c(a b .) = 3, gamma3 = D * 2 / 3
      const gamma3 = (D * 2) / 3;
      close(p(model, a, b, a), (1 - D) / 3 + gamma3 * P2b[a]); // 0.3458333...
      close(p(model, a, b, c), (2 - D) / 3 + gamma3 * P2b[c]); // 0.6125
      close(p(model, a, b, b), gamma3 * P2b[b]); // 0.0291666...
      close(p(model, a, b, unk), gamma3 * P2b[unk]); // 0.0125
      close(p(model, a, b, c), 0.6125);
    });

    it('an unseen trigram context (c b) backs off to P2(w | b)', () => {
      for (let w = 0; w < 4; w++) close(p(model, c, b, w), P2b[w]);
      close(p(model, c, b, a), 0.5375);
    });

    it('the document start uses P3(w | <s> <s>) over P2(w | <s>)', () => {
      // context (<s> <s>): successors {a: 2}, total 2, gamma3 = D * 1 / 2
      const gamma3 = D / 2;
      close(p(model, -1, -1, a), (2 - D) / 2 + gamma3 * P2s[a]); // 0.9734375
      close(p(model, -1, -1, b), gamma3 * P2s[b]);
      close(p(model, -1, -1, unk), gamma3 * P2s[unk]);
      close(p(model, -1, -1, a), 0.9734375);
      // (<s> b) was never seen: back off to P2(w | b)
      for (let w = 0; w < 4; w++) close(p(model, -1, b, w), P2b[w]);
    });
  });

  describe('modified KN discounts (Chen & Goodman)', () => {
    it('estimates D1, D2, D3+ from counts-of-counts', () => {
      // Y = 100 / (100 + 2 * 40) = 5/9
      const y = 5 / 9;
      const [d1, d2, d3] = modifiedDiscounts(100, 40, 20, 10);
      close(d1, 1 - (2 * y * 40) / 100);
      close(d2, 2 - (3 * y * 20) / 40);
      close(d3, 3 - (4 * y * 10) / 20);
    });

    it('falls back to Y when an estimate is undefined or outside (0, k]', () => {
      // n3 = n4 = 0: D3+ = 3 - 0/0 is undefined, Y = 4 / (4 + 6) = 0.4
      assert.deepEqual(modifiedDiscounts(4, 3, 0, 0).map((x) => +x.toFixed(12)), [0.4, 2, 0.4]);
      // n1 = 0 makes Y = 0 degenerate as well
      assert.deepEqual(modifiedDiscounts(0, 0, 0, 0), [0.5, 0.5, 0.5]);
    });

    it('picks the discount by count on the tiny corpus (hand-computed)', () => {
      const model = KneserNeyTrigram.train(tiny, 4, unk);
      // counts-of-counts: trigram {1: 4, 2: 3}, bigram {1: 3, 2: 1, 3: 1}, unigram {1: 2, 3: 1}
      const round = (t: readonly number[]) => t.map((x) => +x.toFixed(12));
      assert.deepEqual(round(model.discounts.trigram), [0.4, 2, 0.4]);
      assert.deepEqual(round(model.discounts.bigram), [0.6, 0.2, 3]);
      assert.deepEqual(round(model.discounts.unigram), [1, 1, 3]);
      // P1: every seen word's continuation count is fully discounted (D1 = 1, D3+ = 3),
      // gamma1 = (1 * 2 + 3 * 1) / 5 = 1, so P1 is uniform 1/4.
      const P1 = 0.25;
      // P2(w | b): {a: 1, c: 1}, gamma2(b) = 0.6 * 2 / 2
      const P2b = [(1 - 0.6) / 2 + 0.6 * P1, 0.6 * P1, (1 - 0.6) / 2 + 0.6 * P1, 0.6 * P1];
      // P3(w | a b): {a: 1, c: 2}, D(1) = 0.4, D(2) = 2, gamma3 = (0.4 * 1 + 2 * 1) / 3 = 0.8
      const gamma3 = (0.4 + 2) / 3;
      const P3 = [(1 - 0.4) / 3 + gamma3 * P2b[a], gamma3 * P2b[b], (2 - 2) / 3 + gamma3 * P2b[c], gamma3 * P2b[unk]];
      assert.deepEqual(P3.map((x) => +x.toFixed(12)), [0.48, 0.12, 0.28, 0.12]);
      for (let w = 0; w < 4; w++) close(p(model, a, b, w), P3[w]);
    });
  });

  describe('normalization', () => {
    const train = sampleDocs(1, 20_000);
    const first = train[0];
    for (const discounts of ['modified', 0.75] as const) {
      const model = KneserNeyTrigram.train(train, V, UNK, { discounts });
      it(`sums to 1 for seen, partially seen, unseen and document-start contexts (discounts ${discounts})`, () => {
        assertNormalized(model, -1, -1); // document start
        assertNormalized(model, -1, first[0]); // second position, seen
        assertNormalized(model, first[0], first[1]); // seen trigram context
        assertNormalized(model, NEVER, first[1]); // (u v) unseen, v seen
        assertNormalized(model, first[0], NEVER); // v unseen: unigram
        assertNormalized(model, -1, NEVER); // second position after an unseen word
        assertNormalized(model, UNK, UNK); // <unk> is an ordinary word
        assert.ok(model.logProb(first[0], first[1], NEVER) > -Infinity, 'an unseen word keeps positive mass');
      });
    }

    it('sums to 1 for random small corpora and contexts (property)', () => {
      const doc = (vocab: number) => fc.array(fc.integer({ min: 0, max: vocab - 1 }), { maxLength: 12 }).map((xs) => Int32Array.from(xs));
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 8 }).chain((vocab) =>
            fc.tuple(
              fc.constant(vocab),
              fc.array(doc(vocab), { maxLength: 6 }),
              fc.oneof(fc.constant<'modified'>('modified'), fc.double({ min: 0.05, max: 1, noNaN: true })),
              fc.integer({ min: -1, max: vocab - 1 }),
              fc.integer({ min: -1, max: vocab - 1 }),
            ),
          ),
          ([vocab, docs, discounts, u, v]) => {
            const model = KneserNeyTrigram.train(docs, vocab, 0, { discounts });
            assertNormalized(model, v === -1 ? -1 : u, v);
          },
        ),
        { numRuns: 300, seed: 42 },
      );
    });

    it('handles counts of 255 and more (hand-computed)', () => {
      // One document of 300 zeros, V = {0, 1}: c(<s> <s> 0) = 1, c(<s> 0 0) = 1, c(0 0 0) = 298.
      // N1+(. 0 0) = |{<s>, 0}| = 2, c(<s> 0) = 1;  N1+(. 0) = |{<s>, 0}| = 2.
      const D = 0.5;
      const model = KneserNeyTrigram.train([new Int32Array(300)], 2, 1, { discounts: D });
      const P1 = [(2 - D) / 2 + D / 2 / 2, D / 2 / 2];
      const P2 = (2 - D) / 2 + (D / 2) * P1[0];
      close(p(model, 0, 0, 0), (298 - D) / 298 + (D / 298) * P2);
      close(p(model, 0, 0, 1), (D / 298) * (D / 2) * P1[1]);
      assertNormalized(model, 0, 0);
      const bytes = model.serialize();
      assert.equal(new DataView(bytes.buffer).getUint32(24, true), 1, 'one count in the side table');
      const copy = KneserNeyTrigram.deserialize(bytes);
      assert.equal(copy.logProb(0, 0, 0), model.logProb(0, 0, 0));
    });

    it('is uniform when trained on nothing', () => {
      const model = KneserNeyTrigram.train([new Int32Array(0)], 5, 0);
      for (let w = 0; w < 5; w++) close(p(model, -1, -1, w), 0.2);
    });
  });

  it('has lower held-out perplexity than an add-one unigram', () => {
    const train = sampleDocs(2, 20_000);
    const heldOut = sampleDocs(3, 2_000);
    const model = KneserNeyTrigram.train(train, V, UNK);

    const counts = new Float64Array(V).fill(1);
    let total = V;
    for (const d of train) for (const w of d) { counts[w]++; total++; }
    let nats = 0;
    let tokens = 0;
    for (const d of heldOut) for (const w of d) { nats -= Math.log(counts[w] / total); tokens++; }
    const unigram = Math.exp(nats / tokens);

    const kn = model.evaluate(heldOut);
    assert.equal(kn.tokens, tokens);
    assert.ok(kn.perplexity < 0.6 * unigram, `KN perplexity ${kn.perplexity} vs unigram ${unigram}`);
  });

  it('trains the same from a one-shot generator as from an array', () => {
    const docs = sampleDocs(4, 3_000);
    const fromArray = KneserNeyTrigram.train(docs, V, UNK);
    const fromGenerator = KneserNeyTrigram.train((function* () { yield* docs; })(), V, UNK);
    assert.deepEqual(fromGenerator.serialize(), fromArray.serialize());
  });

  describe('serialization', () => {
    const model = KneserNeyTrigram.train(sampleDocs(5, 2_000), V, UNK);
    const bytes = model.serialize();

    it('round-trips to identical bytes and identical distributions', () => {
      const copy = KneserNeyTrigram.deserialize(bytes);
      assert.deepEqual(copy.serialize(), bytes);
      assert.equal(copy.vocabSize, V);
      assert.equal(copy.unkId, UNK);
      assert.deepEqual(copy.discounts, model.discounts);
      for (const [u, v] of [[-1, -1], [-1, 3], [3, 5], [NEVER, 5], [5, NEVER]]) {
        assert.deepEqual(distribution(copy, u, v), distribution(model, u, v));
      }
    });

    it('loads from an unaligned view (e.g. a Buffer slice)', () => {
      const shifted = Buffer.concat([Buffer.from([0]), bytes]).subarray(1);
      assert.deepEqual(KneserNeyTrigram.deserialize(shifted).serialize(), bytes);
    });

    it('rejects every truncation', () => {
      for (let n = 0; n < bytes.length; n++) {
        assert.throws(() => KneserNeyTrigram.deserialize(bytes.subarray(0, n)), /^Error: Invalid Kneser-Ney trigram file: truncated/);
      }
    });

    it('rejects trailing bytes', () => {
      const longer = new Uint8Array(bytes.length + 3);
      longer.set(bytes);
      assert.throws(() => KneserNeyTrigram.deserialize(longer), /3 unexpected trailing bytes/);
    });

    it('rejects every single-bit corruption', () => {
      for (let i = 0; i < bytes.length; i++) {
        const bad = bytes.slice();
        bad[i] ^= 1 << (i % 8);
        assert.throws(() => KneserNeyTrigram.deserialize(bad), /^Error: Invalid Kneser-Ney trigram file: /, `byte ${i}`);
      }
      const bad = bytes.slice();
      bad[bytes.length - 100] ^= 0xff;
      assert.throws(() => KneserNeyTrigram.deserialize(bad), /checksum mismatch/);
    });

    it('names the problem in the header', () => {
      const bad = bytes.slice();
      bad[0] = 0x50; // "P" of a zip file
      assert.throws(() => KneserNeyTrigram.deserialize(bad), /bad magic number/);
      const newer = bytes.slice();
      new DataView(newer.buffer).setUint32(4, 2, true);
      assert.throws(() => KneserNeyTrigram.deserialize(newer), /unsupported format version 2/);
    });

    it('rejects structurally invalid tables even with a valid checksum', () => {
      const resealed = (edit: (view: DataView) => void): Uint8Array => {
        const copy = bytes.slice();
        const view = new DataView(copy.buffer);
        edit(view);
        view.setUint32(copy.length - 4, crc32(copy.subarray(0, copy.length - 4)), true);
        return copy;
      };
      // The file ends with u16[T] words, u8[T] counts, u32[L] x 2 large counts, the checksum.
      const header = new DataView(bytes.buffer);
      const T = header.getUint32(20, true);
      const L = header.getUint32(24, true);
      const lastCount = bytes.length - 4 - 8 * L - 1;
      const lastW = lastCount - T - 1;
      assert.throws(() => KneserNeyTrigram.deserialize(resealed((view) => view.setUint16(lastW, V, true))), /outside the vocabulary/);
      assert.throws(() => KneserNeyTrigram.deserialize(resealed((view) => view.setFloat64(28, -0.5, true))), /discount D1 = -0.5/);
      assert.throws(() => KneserNeyTrigram.deserialize(resealed((view) => view.setUint8(lastCount, 0))), /has count 0/);
      assert.throws(() => KneserNeyTrigram.deserialize(resealed((view) => view.setUint8(lastCount, 255))), /refer to the side table/);
    });
  });

  describe('input validation', () => {
    const model = KneserNeyTrigram.train(tiny, 4, unk);

    it('rejects bad training input', () => {
      assert.throws(() => KneserNeyTrigram.train([Int32Array.of(0, 4)], 4, 3), /document 0, position 1: token id 4 outside \[0, 4\)/);
      assert.throws(() => KneserNeyTrigram.train([Int32Array.of(-1)], 4, 3), /token id -1/);
      assert.throws(() => KneserNeyTrigram.train([], 0, 0), /vocabSize 0/);
      assert.throws(() => KneserNeyTrigram.train([], 70_000, 0), /vocabSize 70000/);
      assert.throws(() => KneserNeyTrigram.train([], 4, 4), /unkId 4/);
      assert.throws(() => KneserNeyTrigram.train([], 4, 3, { discounts: 1.5 }), /discounts must be/);
    });

    it('rejects bad contexts, words and output buffers', () => {
      assert.throws(() => model.logProb(2, -1, 0), /context \(2, -1\) invalid/);
      assert.throws(() => model.logProb(0, 4, 0), /context \(0, 4\) invalid/);
      assert.throws(() => model.logProb(0, 1, 4), /word id 4/);
      assert.throws(() => model.logProb(0, 1, 0.5), /word id 0.5/);
      assert.throws(() => model.logDistribution(0, 1, new Float32Array(3)), /out has length 3/);
    });
  });
});
