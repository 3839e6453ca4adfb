import { KneserNeyTrigram } from '../baseline/kneserNey';
import { Predictor } from './predictor';

/** The trigram's state is its two-word context; -1 stands before the document start. */
export interface TrigramContext {
  readonly u: number;
  readonly v: number;
}

const DOCUMENT_START: TrigramContext = { u: -1, v: -1 };

/** The Kneser-Ney baseline as a Predictor, so it suggests through the same policy as the model. */
export class KneserNeyPredictor implements Predictor<TrigramContext> {
  readonly name = 'kn3';
  readonly vocabSize: number;

  constructor(private readonly model: KneserNeyTrigram, private readonly eosId: number) {
    this.vocabSize = model.vocabSize;
  }

  initialState(): TrigramContext {
    return DOCUMENT_START;
  }

  async advance(state: TrigramContext, tokens: readonly number[]): Promise<{ state: TrigramContext; logProbs: Float32Array }> {
    const context = this.read(state, tokens);
    const logProbs = new Float32Array(this.vocabSize);
    this.model.logDistribution(context.u, context.v, logProbs);
    return { state: context, logProbs };
  }

  async stepMany(states: readonly TrigramContext[], tokens: readonly number[]): Promise<{ states: TrigramContext[]; logProbs: Float32Array }> {
    const V = this.vocabSize;
    const logProbs = new Float32Array(states.length * V);
    const next = states.map((state, i) => {
      const context = this.read(state, [tokens[i]]);
      this.model.logDistribution(context.u, context.v, logProbs.subarray(i * V, (i + 1) * V));
      return context;
    });
    return { states: next, logProbs };
  }

  /** The context after reading `tokens`. <eos> marks a document boundary: the trigram restarts from the document start. */
  read(state: TrigramContext, tokens: readonly number[]): TrigramContext {
    let context = state;
    for (const token of tokens) context = token === this.eosId ? DOCUMENT_START : { u: context.v, v: token };
    return context;
  }

  /** The next token's distribution in `context`, as KneserNeyTrigram.sparseDistribution gives it. */
  sparseDistribution(context: TrigramContext): ReturnType<KneserNeyTrigram['sparseDistribution']> {
    return this.model.sparseDistribution(context.u, context.v);
  }

  /** P1, the distribution every context backs off to. */
  unigram(): Float64Array {
    return this.model.unigram();
  }
}
