/**
 * What the exported ONNX graph looks like from outside: the names the runtime feeds and reads, and the metadata
 * that identifies an export. The exporter and the ONNX runtime both use these, so the two cannot drift.
 *
 *   tokens    int64 [seq, batch]            time-major word ids
 *   h0_l, c0_l float [1, batch, H]          state before the first step, per layer (c only for LSTM)
 *   logprobs  float [seq, batch, V]         log-probabilities of the next word after each step
 *   hN_l, cN_l float [1, batch, H]          state after the last step
 *   top_ids   int64 [seq, batch, TOP_K]     ids of the TOP_K largest log-probabilities, best first (ONNX TopK:
 *                                           the lower id first among equals); exports before it lack this output
 */
export const TOKENS_INPUT = 'tokens';
export const LOGPROBS_OUTPUT = 'logprobs';
export const TOP_IDS_OUTPUT = 'top_ids';
/**
 * The suggestion search wants the best 2-3 showable tokens of a row; a few of the best are placeholders or
 * line breaks. With the top 16 from the graph, a scan of the whole 10k-word row in JavaScript is rarely needed.
 */
export const TOP_K = 16;

/** kind is a cell state name (cell.stateNames): 'h' or 'c'. */
export function stateInputName(kind: string, layer: number): string {
  return `${kind}0_${layer}`;
}

export function stateOutputName(kind: string, layer: number): string {
  return `${kind}N_${layer}`;
}

/**
 * Opset 17 is the newest the IR-8 schema (ONNX 1.12) knows; every operator used has had its current form since
 * opset 13-15, and ORT 1.30 runs it fully optimized.
 */
export const OPSET_VERSION = 17;

export const EXPORT_FORMAT = 'smart-compose-onnx';
/** Bump when the graph's inputs, outputs or meaning change. */
export const EXPORT_FORMAT_VERSION = 2;

export const METADATA_KEYS = {
  format: 'smart_compose.format',
  formatVersion: 'smart_compose.format_version',
  cell: 'smart_compose.cell',
  vocabSize: 'smart_compose.vocab_size',
  embeddingSize: 'smart_compose.embedding_size',
  hiddenSize: 'smart_compose.hidden_size',
  layers: 'smart_compose.layers',
  tieWeights: 'smart_compose.tie_weights',
} as const;
