import { Kernels } from './kernels/kernels';
import { ModelConfig, outputInputSize } from './config';
import { ParameterSet, Tensor } from './parameters';

/**
 * Scores over the vocabulary from the top hidden state:
 *   untied:  logits = h·Woutᵀ + b                 Wout [V × H]
 *   tied:    z = h·Pᵀ (only if H ≠ E)             P [E × H]
 *            logits = z·Eᵀ + b                    E, the embedding matrix [V × E]
 * followed by softmax cross-entropy over all V words during training (the 85-90% of a step that the
 * wasm kernels exist for), or a full log-softmax for evaluation and suggestions.
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
  }

  /** h: [rows × H] → this.logits [rows × V]. */
  forward(h: Float32Array, rows: number): Float32Array {
    if (rows > this.maxRows) throw new Error(`${rows} rows exceed the output layer's ${this.maxRows}`);
    const { kernels, width } = this;
    const V = this.bias.size;
    this.input = h;
    this.rowsRun = rows;
    let z = h;
    if (this.projection) {
      z = this.projected.subarray(0, rows * width);
      kernels.gemm(false, true, rows, width, this.projection.shape[1], h, this.projection.value, z, 0);
    }
    const logits = this.logits.subarray(0, rows * V);
    kernels.gemm(false, true, rows, V, width, z, this.weight.value, logits, 0);
    kernels.addBiasRows(logits, this.bias.value, rows, V);
    return logits;
  }

  /** Summed negative log-likelihood of the targets after the last forward, full softmax, no gradients. */
  loss(targets: Int32Array): number {
    const rows = this.rowsRun;
    const V = this.bias.size;
    return this.kernels.softmaxCrossEntropy(this.logits.subarray(0, rows * V), targets, rows, V, 0);
  }

  /**
   * Softmax cross-entropy against targets (-1 = no target), then backward. Returns the summed negative
   * log-likelihood of the targeted rows; gradients are scaled by `scale` (1 / number of targets).
   */
  lossAndBackward(targets: Int32Array, scale: number): { loss: number; dInput: Float32Array } {
    const { kernels, width } = this;
    const rows = this.rowsRun;
    const V = this.bias.size;
    const h = this.input;
    if (!h) throw new Error('backward before forward');
    const dLogits = this.logits.subarray(0, rows * V);
    const loss = kernels.softmaxCrossEntropy(dLogits, targets, rows, V, scale);
    kernels.sumRowsInto(this.bias.grad, dLogits, rows, V);
    const z = this.projection ? this.projected.subarray(0, rows * width) : h;
    kernels.gemm(true, false, V, width, rows, dLogits, z, this.weight.grad, 1);
    const H = this.hiddenSize;
    const dInput = this.dInput.subarray(0, rows * H);
    if (this.projection) {
      const dz = this.dProjected.subarray(0, rows * width);
      kernels.gemm(false, false, rows, width, V, dLogits, this.weight.value, dz, 0);
      kernels.gemm(true, false, width, H, rows, dz, h, this.projection.grad, 1);
      kernels.gemm(false, false, rows, H, width, dz, this.projection.value, dInput, 0);
    } else {
      kernels.gemm(false, false, rows, H, V, dLogits, this.weight.value, dInput, 0);
    }
    return { loss, dInput };
  }
}
