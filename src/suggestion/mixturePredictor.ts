import { KneserNeyPredictor, TrigramContext } from './kneserNeyPredictor';
import { Distribution, Predictor } from './predictor';

/** The model's state and the trigram's context, advanced together. */
export interface MixtureState<S> {
  readonly model: S;
  readonly ngram: TrigramContext;
}

/**
 * The recurrent model interpolated with a Kneser-Ney trigram of the workspace it was fine-tuned on:
 *
 *   P(w | context) = lambda P_model(w | context) + (1 - lambda) P_trigram(w | last two tokens)
 *
 * A fine-tuning run of two minutes sees the workspace's text about once; the trigram has counted all of it, so
 * the workspace's fixed phrases (its commands, option names, headings) come from the counts while the model
 * carries what the counts have not seen. lambda is chosen on the held-out files (finetune.ts).
 */
export class MixturePredictor<S> implements Predictor<MixtureState<S>> {
  readonly name: string;
  readonly vocabSize: number;
  /** log P1 of the trigram, once. */
  private readonly logUnigram: Float64Array;
  /** The trigram's probability of a context's successors, by id (only their entries are meaningful). */
  private readonly successorProbabilities: Float64Array;

  constructor(private readonly model: Predictor<S>, private readonly ngram: KneserNeyPredictor, private readonly lambda: number) {
    if (!(lambda > 0 && lambda < 1)) throw new RangeError(`MixturePredictor: weight ${lambda} outside (0, 1)`);
    if (model.vocabSize !== ngram.vocabSize) throw new RangeError(`MixturePredictor: vocabularies differ (${model.vocabSize} and ${ngram.vocabSize})`);
    this.name = `${model.name}+${ngram.name}`;
    this.vocabSize = model.vocabSize;
    this.logUnigram = ngram.unigram().map(Math.log);
    this.successorProbabilities = new Float64Array(this.vocabSize);
  }

  initialState(): MixtureState<S> {
    return { model: this.model.initialState(), ngram: this.ngram.initialState() };
  }

  async advance(state: MixtureState<S>, tokens: readonly number[]): Promise<{ state: MixtureState<S> } & Distribution> {
    const { state: model, logProbs } = await this.model.advance(state.model, tokens);
    const ngram = this.ngram.read(state.ngram, tokens);
    return { state: { model, ngram }, logProbs: this.mix(logProbs, [ngram]) };
  }

  async stepMany(states: readonly MixtureState<S>[], tokens: readonly number[]): Promise<{ states: MixtureState<S>[] } & Distribution> {
    const step = await this.model.stepMany(states.map((s) => s.model), tokens);
    const ngrams = states.map((s, i) => this.ngram.read(s.ngram, [tokens[i]]));
    return { states: step.states.map((model, i) => ({ model, ngram: ngrams[i] })), logProbs: this.mix(step.logProbs, ngrams) };
  }

  /**
   * Row r: log(lambda e^a + (1 - lambda) P_trigram(. | contexts[r])). The trigram's distribution is scale P1(w)
   * plus terms for the context's few successors, so for the other words the mixture is logAddExp of
   * a + log lambda and log P1(w) + log((1 - lambda) scale), which needs no transcendental where one side
   * outweighs the other by more than NEGLIGIBLE; the successors are then mixed exactly.
   * The model's top ids are not the mixture's, so none are passed on.
   */
  private mix(modelLogProbs: Float32Array, contexts: readonly TrigramContext[]): Float32Array {
    const V = this.vocabSize;
    const out = new Float32Array(contexts.length * V);
    const lambda = this.lambda, rest = 1 - lambda, logLambda = Math.log(lambda);
    const p1 = this.ngram.unigram(), logP1 = this.logUnigram, q = this.successorProbabilities;
    contexts.forEach((context, r) => {
      const { scale, count, ids, extra } = this.ngram.sparseDistribution(context);
      const offset = r * V;
      const logBackoff = Math.log(rest * scale);
      for (let w = 0; w < V; w++) out[offset + w] = logAddExp(modelLogProbs[offset + w] + logLambda, logP1[w] + logBackoff);
      for (let i = 0; i < count; i++) q[ids[i]] = scale * p1[ids[i]];
      for (let i = 0; i < count; i++) q[ids[i]] += extra[i];
      for (let i = 0; i < count; i++) {
        const w = ids[i];
        out[offset + w] = Math.log(lambda * Math.exp(modelLogProbs[offset + w]) + rest * q[w]);
      }
    });
    return out;
  }
}

/** log(e^x + e^y) = log e^x(1 + e^(y-x)): skipped once e^(y-x) is below float32's precision of a logarithm. */
const NEGLIGIBLE = 17;
/**
 * log(1 + e^-d) sampled at d = i / SOFTPLUS_STEPS on [0, NEGLIGIBLE]: a row mixes every word of the vocabulary, and
 * two transcendentals a word were most of a fine-tuned model's suggestion time. Linear interpolation between
 * samples is within h^2/8 max|f''| = 5e-7 of the function (|f''| <= 1/4), a float32 log-probability's rounding.
 */
const SOFTPLUS_STEPS = 256;
const SOFTPLUS = Float64Array.from({ length: NEGLIGIBLE * SOFTPLUS_STEPS + 2 }, (_, i) => Math.log1p(Math.exp(-i / SOFTPLUS_STEPS)));

function logAddExp(x: number, y: number): number {
  const d = x - y;
  if (d > NEGLIGIBLE) return x;
  if (d < -NEGLIGIBLE) return y;
  const at = (d > 0 ? d : -d) * SOFTPLUS_STEPS;
  const i = at | 0;
  return (d > 0 ? x : y) + SOFTPLUS[i] + (at - i) * (SOFTPLUS[i + 1] - SOFTPLUS[i]);
}
