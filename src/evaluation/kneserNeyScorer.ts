import { KneserNeyTrigram } from '../baseline/kneserNey';
import { DocumentScorer } from './scorer';

/** The Kneser-Ney trigram as a DocumentScorer: its context is the previous two ids (-1 before the start). */
export class KneserNeyScorer implements DocumentScorer {
  readonly name = 'kn3';
  private readonly row: Float32Array;

  constructor(private readonly model: KneserNeyTrigram) {
    this.row = new Float32Array(model.vocabSize);
  }

  score(ids: Int32Array, visit: (position: number, logProbs: Float32Array) => void): void {
    for (let p = 0; p < ids.length; p++) {
      this.model.logDistribution(p >= 2 ? ids[p - 2] : -1, p >= 1 ? ids[p - 1] : -1, this.row);
      visit(p, this.row);
    }
  }
}
