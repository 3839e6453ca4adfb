import { CELLS, CellType } from './cells';

/** Everything that fixes the shapes of a model's parameters. */
export interface ModelConfig {
  cell: CellType;
  vocabSize: number;
  embeddingSize: number;
  hiddenSize: number;
  layers: number;
  /**
   * The output layer reuses the embedding matrix (Press & Wolf 2017). When hiddenSize differs from
   * embeddingSize, a projection [embeddingSize × hiddenSize] maps the top hidden state to embedding size first.
   */
  tieWeights: boolean;
}

export interface TensorSpec {
  name: string;
  shape: number[];
}

/** Parameter names are stable: they are the keys of the weights file and of the ONNX initializers. */
export function parameterSpecs(config: ModelConfig): TensorSpec[] {
  const { vocabSize: V, embeddingSize: E, hiddenSize: H, layers } = config;
  const G = CELLS[config.cell].gateCount;
  const specs: TensorSpec[] = [{ name: 'embedding', shape: [V, E] }];
  for (let l = 0; l < layers; l++) {
    const input = l === 0 ? E : H;
    // ONNX layout (num_directions = 1 dropped): W [G·H × input], R [G·H × H], B = [Wb ; Rb] of 2·G·H.
    specs.push({ name: `layer${l}.W`, shape: [G * H, input] });
    specs.push({ name: `layer${l}.R`, shape: [G * H, H] });
    specs.push({ name: `layer${l}.B`, shape: [2 * G * H] });
  }
  if (config.tieWeights) {
    if (H !== E) specs.push({ name: 'projection', shape: [E, H] });
  } else {
    specs.push({ name: 'output.W', shape: [V, H] });
  }
  specs.push({ name: 'output.b', shape: [V] });
  return specs;
}

/** The width of the vector the output matrix multiplies: the embedding size when tied, else the hidden size. */
export function outputInputSize(config: ModelConfig): number {
  return config.tieWeights ? config.embeddingSize : config.hiddenSize;
}

export function validateConfig(config: ModelConfig): void {
  if (!(config.cell in CELLS)) {
    throw new Error(`unknown cell type "${config.cell}" (known: ${Object.keys(CELLS).join(', ')})`);
  }
  for (const key of ['vocabSize', 'embeddingSize', 'hiddenSize', 'layers'] as const) {
    const value = config[key];
    if (!Number.isInteger(value) || value < 1 || value > 1 << 20) {
      throw new Error(`model ${key} must be a positive integer, got ${String(value)}`);
    }
  }
}
