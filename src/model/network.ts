import { CELLS } from './cells';
import { Dropout } from './dropout';
import { embeddingBackward, embeddingForward } from './embedding';
import { LanguageModel } from './languageModel';
import { OutputLayer, SampledClasses } from './outputLayer';
import { Random } from './random';
import { RecurrentLayer } from './recurrentLayer';

export interface NetworkOptions {
  /** Independent streams run side by side (training batch, or beams at inference). */
  batch: number;
  /** Time steps per forward call (the BPTT length in training, 1 or a few tokens at inference). */
  steps: number;
  /** Allocate gradient buffers and allow backward. */
  training: boolean;
  /** Dropout rate on non-recurrent connections; used only when training. */
  dropout?: number;
}

/**
 * A LanguageModel unrolled over `steps` time steps for `batch` streams: embedding → dropout → recurrent
 * layers (dropout between them) → dropout → output layer. Owns every activation buffer, allocated once, so
 * a training step allocates nothing. Several networks can share one model (training and evaluation).
 */
export class Network {
  readonly batch: number;
  readonly steps: number;
  readonly layers: RecurrentLayer[];
  readonly output: OutputLayer;
  private readonly embedded: Float32Array;
  private readonly dropouts: Dropout[];
  private readonly training: boolean;
  private tokens: Int32Array | undefined;
  private rows = 0;

  constructor(readonly model: LanguageModel, options: NetworkOptions) {
    const { config, kernels, params } = model;
    const { batch, steps, training } = options;
    this.batch = batch;
    this.steps = steps;
    this.training = training;
    const rows = batch * steps;
    this.embedded = kernels.alloc(rows * config.embeddingSize);
    const cell = CELLS[config.cell];
    this.layers = [];
    for (let l = 0; l < config.layers; l++) {
      const input = l === 0 ? config.embeddingSize : config.hiddenSize;
      this.layers.push(new RecurrentLayer(kernels, cell, params, l, input, batch, steps, training));
    }
    this.output = new OutputLayer(kernels, config, params, rows, training);
    const rate = training ? options.dropout ?? 0 : 0;
    // Dropout i sits in front of layer i; the last one in front of the output layer.
    this.dropouts = Array.from({ length: config.layers + 1 }, (_, i) =>
      new Dropout(kernels, rate, rows * (i === 0 ? config.embeddingSize : config.hiddenSize)));
  }

  /**
   * tokens: [steps·B] time-major (row t·B + b). Runs forward from the current state and returns the logits
   * [steps·B × V] (a view into the output layer's buffer), or [steps·B × C] over a training step's sampled classes.
   */
  forward(tokens: Int32Array, steps: number, random?: Random, classes?: SampledClasses): Float32Array {
    if (steps < 1 || steps > this.steps) throw new Error(`steps must be in 1..${this.steps}, got ${steps}`);
    if (this.training && !random) throw new Error('training forward needs a Random for dropout');
    const rows = steps * this.batch;
    const { params, config } = this.model;
    this.tokens = tokens;
    this.rows = rows;
    let x = this.embedded.subarray(0, rows * config.embeddingSize);
    embeddingForward(params.get('embedding'), tokens, rows, x);
    for (let l = 0; l < this.layers.length; l++) {
      x = this.layers[l].forward(this.dropouts[l].forward(x, random), steps);
    }
    return this.output.forward(this.dropouts[this.layers.length].forward(x, random), rows, classes);
  }

  /**
   * Cross-entropy against targets ([steps·B], -1 = ignore) and backward through the whole network,
   * accumulating into the parameter gradients. Gradients are of the MEAN loss over targeted rows.
   * Returns the summed negative log-likelihood and the number of targeted rows.
   */
  backward(targets: Int32Array): { loss: number; count: number } {
    const tokens = this.tokens;
    if (!this.training || !tokens) throw new Error('backward needs a training network and a forward first');
    let count = 0;
    for (let r = 0; r < this.rows; r++) if (targets[r] >= 0) count++;
    const { loss, dInput } = this.output.lossAndBackward(targets, count > 0 ? 1 / count : 0);
    let dy = dInput;
    this.dropouts[this.layers.length].backward(dy);
    for (let l = this.layers.length - 1; l >= 0; l--) {
      dy = this.layers[l].backward(dy);
      this.dropouts[l].backward(dy);
    }
    embeddingBackward(this.model.params.get('embedding'), tokens, this.rows, dy);
    return { loss, count };
  }

  /** Summed negative log-likelihood of targets ([steps·B], -1 = ignore) after the last forward. */
  loss(targets: Int32Array): number {
    return this.output.loss(targets);
  }

  /** The state after the last forward becomes the starting state of the next (streams continue). */
  carryState(): void {
    for (const layer of this.layers) layer.carryState();
  }

  resetState(): void {
    for (const layer of this.layers) layer.resetState();
  }
}
