import { LanguageModel } from '../model/languageModel';
import { Network } from '../model/network';
import { DocumentScorer } from './scorer';

const CHUNK = 64;

/**
 * Runs the recurrent model over a document in chunks of 64 tokens with the state carried (the whole
 * document is context, nothing truncated), full log-softmax at every position. The document starts from a
 * zero state fed the document-boundary token, as in training, where documents are joined by it.
 */
export class ModelScorer implements DocumentScorer {
  readonly name = 'model';
  private readonly network: Network;
  private readonly inputs = new Int32Array(CHUNK);
  private readonly row: Float32Array;

  constructor(private readonly model: LanguageModel, private readonly boundaryId: number) {
    this.network = new Network(model, { batch: 1, steps: CHUNK, training: false });
    this.row = new Float32Array(model.config.vocabSize);
  }

  score(ids: Int32Array, visit: (position: number, logProbs: Float32Array) => void): void {
    const V = this.model.config.vocabSize;
    this.network.resetState();
    for (let start = 0; start < ids.length; start += CHUNK) {
      const steps = Math.min(CHUNK, ids.length - start);
      for (let t = 0; t < steps; t++) this.inputs[t] = start + t === 0 ? this.boundaryId : ids[start + t - 1];
      const logits = this.network.forward(this.inputs, steps);
      this.model.kernels.logSoftmaxRows(logits, steps, V);
      for (let t = 0; t < steps; t++) {
        this.row.set(logits.subarray(t * V, (t + 1) * V));
        visit(start + t, this.row);
      }
      this.network.carryState();
    }
  }
}
