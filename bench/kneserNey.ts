// Training speed, memory and query latency of the Kneser-Ney trigram baseline on a
// synthetic corpus shaped like text: Zipfian word frequencies, with each word mostly
// drawn from favourites of the previous one or two words so that the numbers of
// bigram and trigram types grow the way they do in real corpora.
//
//   npm run bench:kn -- [tokens=10000000] [vocabSize=16000]

import { KneserNeyTrigram } from '../src/baseline/kneserNey';

const tokens = Number(process.argv[2] ?? 10_000_000);
const vocabSize = Number(process.argv[3] ?? 16_000);
const UNK = 0;

function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function zipfSampler(n: number, random: () => number): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) cdf[i] = sum += 1 / (i + 1);
  return () => {
    const x = random() * sum;
    let lo = 0, hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function corpus(seed: number, count: number): Int32Array[] {
  const random = rng(seed);
  const word = zipfSampler(vocabSize, random);
  const rank = zipfSampler(64, random);
  const hash = (a: number, b: number) => (Math.imul(a + 1, 0x9e3779b1) ^ Math.imul(b + 7, 0x85ebca77)) >>> 0;
  const docs: Int32Array[] = [];
  let produced = 0;
  while (produced < count) {
    const doc = new Int32Array(Math.min(count - produced, 50 + Math.floor(random() * 2000)));
    let u = -1, v = -1;
    for (let i = 0; i < doc.length; i++) {
      const r = random();
      const w = r < 0.45 ? word() : r < 0.85 ? hash(v, rank()) % vocabSize : hash(hash(u, v), rank()) % vocabSize;
      doc[i] = w;
      u = v;
      v = w;
    }
    docs.push(doc);
    produced += doc.length;
  }
  return docs;
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const maxRss = () => process.resourceUsage().maxRSS * 1024;

const train = corpus(1, tokens);
const heldOut = corpus(2, 200_000);
const rssBefore = maxRss();
console.log(`corpus: ${tokens.toLocaleString()} tokens in ${train.length} documents, vocabulary ${vocabSize}`);

let start = performance.now();
const model = KneserNeyTrigram.train(train, vocabSize, UNK);
const trainMs = performance.now() - start;
const sizes = model.sizes;
console.log(`train: ${(trainMs / 1000).toFixed(2)} s (${((tokens / trainMs) * 1000 / 1e6).toFixed(1)} M tokens/s)`);
console.log(`  ${sizes.trigramTypes.toLocaleString()} trigram types, ${sizes.trigramContexts.toLocaleString()} contexts, ${sizes.bigramTypes.toLocaleString()} bigram types`);
console.log(`  model typed arrays: ${mb(sizes.memoryBytes)}; peak RSS ${mb(maxRss())} (${mb(rssBefore)} before training, corpus included)`);
console.log(`  discounts: ${JSON.stringify(model.discounts, (_k, x: unknown) => (typeof x === 'number' ? +x.toFixed(4) : x))}`);

start = performance.now();
const bytes = model.serialize();
const serializeMs = performance.now() - start;
start = performance.now();
KneserNeyTrigram.deserialize(bytes);
const deserializeMs = performance.now() - start;
console.log(`serialize: ${mb(bytes.length)} in ${serializeMs.toFixed(0)} ms; deserialize (validated) ${deserializeMs.toFixed(0)} ms`);

// Contexts the way the editor meets them: consecutive positions of unseen text.
const out = new Float32Array(vocabSize);
const contexts: [number, number][] = [[-1, -1]];
for (const doc of heldOut) {
  for (let i = 0; i + 1 < doc.length && contexts.length < 2000; i++) contexts.push([doc[i], doc[i + 1]]);
}
for (const [u, v] of contexts.slice(0, 200)) model.logDistribution(u, v, out); // warm-up
start = performance.now();
for (const [u, v] of contexts) model.logDistribution(u, v, out);
const perCallMs = (performance.now() - start) / contexts.length;
let worst = 0;
for (const [u, v] of contexts) {
  model.logDistribution(u, v, out);
  let sum = 0;
  for (let w = 0; w < vocabSize; w++) sum += Math.exp(out[w]);
  worst = Math.max(worst, Math.abs(sum - 1));
}
console.log(`logDistribution: ${(perCallMs * 1000).toFixed(0)} µs per call (mean over ${contexts.length} contexts); max |sum P - 1| = ${worst.toExponential(1)}`);

start = performance.now();
const evaluation = model.evaluate(heldOut);
const evalMs = performance.now() - start;
console.log(`held-out: perplexity ${evaluation.perplexity.toFixed(1)} over ${evaluation.tokens.toLocaleString()} tokens; logProb ${((evalMs * 1e6) / evaluation.tokens).toFixed(0)} ns per token`);
