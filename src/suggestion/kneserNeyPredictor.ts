import { KneserNeyTrigram } from '../baseline/kneserNey';
import { Predictor } from './predictor';

/** The trigram's state is its two-word context; -1 stands before the document start. */
interface TrigramContext {
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
    let context = state;
    for (const token of tokens) context = this.next(context, token);
    const logProbs = new Float32Array(this.vocabSize);
    this.model.logDistribution(context.u, context.v, logProbs);
    return { state: context, logProbs };
  }

  async stepMany(states: readonly TrigramContext[], tokens: readonly number[]): Promise<{ states: TrigramContext[]; logProbs: Float32Array }> {
    const V = this.vocabSize;
    const logProbs = new Float32Array(states.length * V);
    const next = states.map((state, i) => {
      const context = this.next(state, tokens[i]);
      this.model.logDistribution(context.u, context.v, logProbs.subarray(i * V, (i + 1) * V));
      return context;
    });
    return { states: next, logProbs };
  }

  /** <eos> marks a document boundary: the trigram restarts from its document-start context. */
  private next(context: TrigramContext, token: number): TrigramContext {
    return token === this.eosId ? DOCUMENT_START : { u: context.v, v: token };
  }
}
