import { endianness } from 'node:os';
import { CELLS } from '../model/cells';
import { LanguageModel } from '../model/languageModel';
import {
  EXPORT_FORMAT, EXPORT_FORMAT_VERSION, LOGPROBS_OUTPUT, METADATA_KEYS, OPSET_VERSION, TOKENS_INPUT, TOP_IDS_OUTPUT, TOP_K,
  stateInputName, stateOutputName,
} from './graphInterface';
import { onnxSchema } from './onnxSchema';

// Plain objects in the shape of the onnx.proto messages (field names as in the schema); protobufjs's fromObject
// turns them into messages. Only the fields given are written, which is what ORT needs of an AttributeProto.
interface Attribute { name: string; type: 'INT'; i: number }
interface Node { op_type: string; name: string; input: string[]; output: string[]; attribute?: Attribute[] }
interface Initializer { name: string; dims: number[]; data_type: number; raw_data: Uint8Array }
interface ValueInfo {
  name: string;
  type: { tensor_type: { elem_type: number; shape: { dim: ({ dim_value: number } | { dim_param: string })[] } } };
}

const int = (name: string, i: number): Attribute => ({ name, type: 'INT', i });

/**
 * The model as a standard ONNX file (one LSTM/GRU/RNN node per layer, see graphInterface.ts for its inputs and
 * outputs). The gate weights are already in ONNX layout, so each becomes an initializer as it is, with the
 * num_directions = 1 axis added; the tied embedding is one initializer read by both Gather and the output Gemm.
 */
export function exportOnnx(model: LanguageModel): Uint8Array {
  // ONNX raw_data is little-endian; the bytes below are the host's float32 layout.
  if (endianness() !== 'LE') throw new Error('ONNX export needs a little-endian machine');
  const { ModelProto, irVersion, dataTypes } = onnxSchema();
  const { config, params } = model;
  const { vocabSize: V, embeddingSize: E, hiddenSize: H } = config;
  const cell = CELLS[config.cell];
  const G = cell.gateCount;

  const initializers: Initializer[] = [];
  const floats = (name: string, dims: number[], value: Float32Array): string => {
    // slice(): the parameters may live in shared wasm memory; the copy is a plain buffer of exactly these floats.
    initializers.push({ name, dims, data_type: dataTypes.FLOAT, raw_data: new Uint8Array(value.slice().buffer) });
    return name;
  };
  const int64s = (name: string, values: number[]): string => {
    const data = BigInt64Array.from(values, (v) => BigInt(v));
    initializers.push({ name, dims: [values.length], data_type: dataTypes.INT64, raw_data: new Uint8Array(data.buffer) });
    return name;
  };
  const parameter = (name: string, dims = [...params.get(name).shape]): string => floats(name, dims, params.get(name).value);
  const nodes: Node[] = [];
  const node = (op_type: string, input: string[], output: string[], attribute?: Attribute[]): void => {
    nodes.push({ op_type, name: `${output[0]}.${op_type}`, input, output, ...(attribute ? { attribute } : {}) });
  };

  const seqBatch = [{ dim_param: 'seq' }, { dim_param: 'batch' }];
  const stateDims = [{ dim_value: 1 }, { dim_param: 'batch' }, { dim_value: H }];
  const tensor = (name: string, elem_type: number, dim: ValueInfo['type']['tensor_type']['shape']['dim']): ValueInfo =>
    ({ name, type: { tensor_type: { elem_type, shape: { dim } } } });
  const inputs = [tensor(TOKENS_INPUT, dataTypes.INT64, seqBatch)];
  const outputs = [
    tensor(LOGPROBS_OUTPUT, dataTypes.FLOAT, [...seqBatch, { dim_value: V }]),
    tensor(TOP_IDS_OUTPUT, dataTypes.INT64, [...seqBatch, { dim_value: Math.min(TOP_K, V) }]),
  ];

  const embedding = parameter('embedding');
  node('Gather', [embedding, TOKENS_INPUT], ['embedded']);
  const squeezeAxes = int64s('const.direction_axis', [1]);
  let x = 'embedded';
  for (let l = 0; l < config.layers; l++) {
    const inputSize = l === 0 ? E : H;
    const initialStates = cell.stateNames.map((kind) => stateInputName(kind, l));
    const finalStates = cell.stateNames.map((kind) => stateOutputName(kind, l));
    for (const name of initialStates) inputs.push(tensor(name, dataTypes.FLOAT, stateDims));
    for (const name of finalStates) outputs.push(tensor(name, dataTypes.FLOAT, stateDims));
    const attributes = [int('hidden_size', H)];
    if (cell.onnxOperator === 'GRU') attributes.push(int('linear_before_reset', 1));
    const weights = [
      parameter(`layer${l}.W`, [1, G * H, inputSize]),
      parameter(`layer${l}.R`, [1, G * H, H]),
      parameter(`layer${l}.B`, [1, 2 * G * H]),
    ];
    // The empty name skips the optional sequence_lens input: every stream runs all steps.
    node(cell.onnxOperator, [x, ...weights, '', ...initialStates], [`layer${l}.Y`, ...finalStates], attributes);
    node('Squeeze', [`layer${l}.Y`, squeezeAxes], [`layer${l}.out`]);
    x = `layer${l}.out`;
  }

  // Gemm wants 2-D operands: [seq, batch, H] → [seq·batch, H] for the output layer, then back.
  node('Reshape', [x, int64s('const.rows_shape', [-1, H])], ['top.rows']);
  let rows = 'top.rows';
  if (config.tieWeights && H !== E) {
    node('Gemm', [rows, parameter('projection')], ['projected.rows'], [int('transB', 1)]);
    rows = 'projected.rows';
  }
  const outputWeight = config.tieWeights ? embedding : parameter('output.W');
  node('Gemm', [rows, outputWeight, parameter('output.b')], ['logits.rows'], [int('transB', 1)]);
  node('Shape', [TOKENS_INPUT], ['tokens.shape']);
  node('Concat', ['tokens.shape', int64s('const.vocab_size', [V])], ['logits.shape'], [int('axis', 0)]);
  node('Reshape', ['logits.rows', 'logits.shape'], ['logits']);
  node('LogSoftmax', ['logits'], [LOGPROBS_OUTPUT], [int('axis', -1)]);
  node('TopK', [LOGPROBS_OUTPUT, int64s('const.top_k', [Math.min(TOP_K, V)])], ['top_logprobs', TOP_IDS_OUTPUT], [int('axis', -1)]);

  const metadata: Record<keyof typeof METADATA_KEYS, string> = {
    format: EXPORT_FORMAT,
    formatVersion: String(EXPORT_FORMAT_VERSION),
    cell: config.cell,
    vocabSize: String(V),
    embeddingSize: String(E),
    hiddenSize: String(H),
    layers: String(config.layers),
    tieWeights: String(config.tieWeights),
  };
  const message = ModelProto.fromObject({
    ir_version: irVersion,
    opset_import: [{ domain: '', version: OPSET_VERSION }],
    producer_name: 'smart-compose',
    producer_version: String(EXPORT_FORMAT_VERSION),
    metadata_props: Object.entries(metadata).map(([key, value]) => ({ key: METADATA_KEYS[key as keyof typeof METADATA_KEYS], value })),
    graph: {
      name: `smart-compose ${config.cell}`,
      node: nodes,
      initializer: initializers,
      input: inputs,
      output: outputs,
    },
  });
  return ModelProto.encode(message).finish();
}
