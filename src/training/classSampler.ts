import { Random } from '../model/random';
import { SampledClasses } from '../model/outputLayer';

/**
 * The classes a training step's softmax runs over instead of the whole vocabulary (sampled softmax): every
 * target of the batch, and `samples` draws from the proposal Q(w) ∝ (c(w) + 1)^0.75 over the training tokens'
 * counts. The partition function over all V words is then estimated without bias (Jean et al. 2015, importance
 * sampling; Bengio and Senécal 2008) as
 *
 *   Z ≈ Σ_{w ∈ targets} e^{l_w} + Σ_{w ∈ drawn, w ∉ targets} e^{l_w} / π_w,   π_w = 1 − (1 − Q(w))^samples,
 *
 * π_w being the chance that w is drawn at all: the drawn non-targets' logits get −log π_w added. The output
 * layer's products, nine tenths of a step over 10,000 words, then run over about a tenth of them.
 */
export class ClassSampler {
  private readonly cumulative: Float64Array;
  private readonly logInclusion: Float64Array;
  /** Column of each vocabulary id in the current step's classes, -1 outside them; reset after each use. */
  private readonly column: Int32Array;

  constructor(trainTokens: Int32Array, vocabSize: number, private readonly samples: number) {
    const counts = new Float64Array(vocabSize);
    for (const id of trainTokens) counts[id]++;
    let total = 0;
    const weights = counts.map((c) => { const w = Math.pow(c + 1, 0.75); total += w; return w; });
    this.cumulative = new Float64Array(vocabSize);
    this.logInclusion = new Float64Array(vocabSize);
    let sum = 0;
    weights.forEach((w, id) => {
      const q = w / total;
      sum += q;
      this.cumulative[id] = sum;
      // log(1 - (1 - q)^samples), computed so that it stays exact for tiny q.
      this.logInclusion[id] = Math.log(-Math.expm1(samples * Math.log1p(-q)));
    });
    this.column = new Int32Array(vocabSize).fill(-1);
  }

  /** The classes for a batch's targets (-1 = no target). */
  sample(targets: Int32Array, random: Random): SampledClasses {
    const ids: number[] = [];
    const correction: number[] = [];
    const add = (id: number, isTarget: boolean) => {
      if (this.column[id] >= 0) return;
      this.column[id] = ids.length;
      ids.push(id);
      correction.push(isTarget ? 0 : -this.logInclusion[id]);
    };
    for (const target of targets) if (target >= 0) add(target, true);
    for (let s = 0; s < this.samples; s++) add(random.weighted(this.cumulative), false);
    const classes: SampledClasses = {
      ids: Int32Array.from(ids),
      logitCorrection: Float32Array.from(correction),
      targetColumns: Int32Array.from(targets, (t) => (t >= 0 ? this.column[t] : -1)),
    };
    for (const id of ids) this.column[id] = -1;
    return classes;
  }
}
