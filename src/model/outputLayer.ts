import { Kernels } from './kernels/kernels';
import { ModelConfig, outputInputSize } from './config';
import { ParameterSet, Tensor } from './parameters';

/**
 * The classes one training step's softmax runs over (sampled softmax, training/classSampler.ts): C vocabulary
 * ids, a term added to each one's logit (the importance weight, 0 for the batch's targets), and each row's
 * target as a column of them (-1 = no target).
 */
export interface SampledClasses {
  ids: Int32Array;
  logitCorrection: Float32Array;
  targetColumns: Int32Array;
}

/**
 * Scores over the vocabulary from the top hidden state:
 *   untied:  logits = h·Woutᵀ + b                 Wout [V × H]
 *   tied:    z = h·Pᵀ (only if H ≠ E)             P [E × H]
 *            logits = z·Eᵀ + b                    E, the embedding matrix [V × E]
 * followed by softmax cross-entropy over all V words during training (the 85-90% of a step that the
 * wasm kernels exist for), or a full log-softmax for evaluation and suggestions. A training step may instead
 * score only sampled classes S (C of the V): logits_S = z·E_Sᵀ + b_S + correction_S, with E_S, b_S the rows of
 * S gathered, and their gradients scattered back into E and b.
 */
export class OutputLayer {
  readonly logits: Float32Array;
  private readonly weight: Tensor;
  private readonly bias: Tensor;
  private readonly projection: Tensor | undefined;
  private readonly projected: Float32Array;
  private readonly dProjected: Float32Array;
  private readonly dInput: Float32Array;
  private readonly width: number;
  private readonly hiddenSize: number;
  private input: Float32Array | undefined;
  private rowsRun = 0;
  /** The last forward's sampled classes, with their gathered rows and gradients; undefined after a full forward. */
  private sampled: { classes: SampledClasses; weight: Float32Array; weightGrad: Float32Array; biasGrad: Float32Array } | undefined;
  /** Allocated at the first sampled forward (room for every word): a network that never samples never pays for them. */
  private sampledBuffers: { weight: Float32Array; weightGrad: Float32Array; bias: Float32Array; biasGrad: Float32Array } | undefined;
  private readonly withGradients: boolean;

  constructor(
    private readonly kernels: Kernels,
    config: ModelConfig,
    params: ParameterSet,
    private readonly maxRows: number,
    withGradients: boolean,
  ) {
    this.weight = params.get(config.tieWeights ? 'embedding' : 'output.W');
    this.bias = params.get('output.b');
    this.projection = params.has('projection') ? params.get('projection') : undefined;
    this.width = outputInputSize(config);
    this.hiddenSize = config.hiddenSize;
    this.logits = kernels.alloc(maxRows * config.vocabSize);
    this.projected = kernels.alloc(this.projection ? maxRows * this.width : 0);
    this.dProjected = kernels.alloc(this.projection && withGradients ? maxRows * this.width : 0);
    this.dInput = kernels.alloc(withGradients ? maxRows * config.hiddenSize : 0);
    this.withGradients = withGradients;
  }

  /** h: [rows × H] → this.logits [rows × V], or [rows × C] over sampled classes (training only). */
  forward(h: Float32Array, rows: number, classes?: SampledClasses): Float32Array {
    if (rows > this.maxRows) throw new Error(`${rows} rows exceed the output layer's ${this.maxRows}`);
    const { kernels, width } = this;
    this.input = h;
    this.rowsRun = rows;
    let z = h;
    if (this.projection) {
      z = this.projected.subarray(0, rows * width);
      kernels.gemm(false, true, rows, width, this.projection.shape[1], h, this.projection.value, z, 0);
    }
    this.sampled = undefined;
    let weight = this.weight.value, bias = this.bias.value, columns = this.bias.size;
    if (classes) {
      if (!this.withGradients) throw new Error('sampled classes need an output layer with gradients');
      const V = this.bias.size;
      const buffers = this.sampledBuffers ??= { weight: kernels.alloc(V * width), weightGrad: kernels.alloc(V * width), bias: kernels.alloc(V), biasGrad: kernels.alloc(V) };
      columns = classes.ids.length;
      weight = buffers.weight.subarray(0, columns * width);
      bias = buffers.bias.subarray(0, columns);
      classes.ids.forEach((id, c) => {
        weight.set(this.weight.value.subarray(id * width, (id + 1) * width), c * width);
        bias[c] = this.bias.value[id] + classes.logitCorrection[c];
      });
      this.sampled = { classes, weight, weightGrad: buffers.weightGrad.subarray(0, columns * width), biasGrad: buffers.biasGrad.subarray(0, columns) };
    }
    const logits = this.logits.subarray(0, rows * columns);
    kernels.gemm(false, true, rows, columns, width, z, weight, logits, 0);
    kernels.addBiasRows(logits, bias, rows, columns);
    return logits;
  }

  /** Summed negative log-likelihood of the targets after the last forward, full softmax, no gradients. */
  loss(targets: Int32Array): number {
    if (this.sampled) throw new Error('loss() needs a forward over the whole vocabulary');
    const rows = this.rowsRun;
    const V = this.bias.size;
    return this.kernels.softmaxCrossEntropy(this.logits.subarray(0, rows * V), targets, rows, V, 0);
  }

  /**
   * Softmax cross-entropy against targets (-1 = no target), then backward. Returns the summed negative
   * log-likelihood of the targeted rows; gradients are scaled by `scale` (1 / number of targets).
   */
  lossAndBackward(targets: Int32Array, scale: number): { loss: number; dInput: Float32Array } {
    const { kernels, width, sampled } = this;
    const rows = this.rowsRun;
    const h = this.input;
    if (!h) throw new Error('backward before forward');
    const columns = sampled ? sampled.classes.ids.length : this.bias.size;
    const weight = sampled ? sampled.weight : this.weight.value;
    const dLogits = this.logits.subarray(0, rows * columns);
    const loss = kernels.softmaxCrossEntropy(dLogits, sampled ? sampled.classes.targetColumns : targets, rows, columns, scale);
    const z = this.projection ? this.projected.subarray(0, rows * width) : h;
    if (sampled) {
      // Into the gathered rows' own gradients first, then added to the rows of E and b they came from.
      sampled.biasGrad.fill(0);
      kernels.sumRowsInto(sampled.biasGrad, dLogits, rows, columns);
      kernels.gemm(true, false, columns, width, rows, dLogits, z, sampled.weightGrad, 0);
      sampled.classes.ids.forEach((id, c) => {
        this.bias.grad[id] += sampled.biasGrad[c];
        const to = this.weight.grad.subarray(id * width, (id + 1) * width);
        const from = sampled.weightGrad.subarray(c * width, (c + 1) * width);
        for (let j = 0; j < width; j++) to[j] += from[j];
      });
    } else {
      kernels.sumRowsInto(this.bias.grad, dLogits, rows, columns);
      kernels.gemm(true, false, columns, width, rows, dLogits, z, this.weight.grad, 1);
    }
    const H = this.hiddenSize;
    const dInput = this.dInput.subarray(0, rows * H);
    if (this.projection) {
      const dz = this.dProjected.subarray(0, rows * width);
      kernels.gemm(false, false, rows, width, columns, dLogits, weight, dz, 0);
      kernels.gemm(true, false, width, H, rows, dz, h, this.projection.grad, 1);
      kernels.gemm(false, false, rows, H, width, dz, this.projection.value, dInput, 0);
    } else {
      kernels.gemm(false, false, rows, H, columns, dLogits, weight, dInput, 0);
    }
    return { loss, dInput };
  }
}
