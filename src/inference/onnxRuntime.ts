import type * as Ort from 'onnxruntime-node';
import { ModelConfig } from '../model/config';
import { ModelFormatError, readManifest, readVerifiedFile } from '../model/modelFiles';
import { LOGPROBS_OUTPUT, stateInputName, stateOutputName, TOKENS_INPUT, TOP_IDS_OUTPUT } from '../onnx/graphInterface';
import { measureLoad } from './loadMeasurement';
import { InferenceRuntime, RecurrentState, RunResult } from './runtime';
import { checkRunArguments, StateLayout } from './stateLayout';

/** onnxruntime-node is present but cannot run here (no native binary for this platform, or it fails to load). */
export class OnnxRuntimeUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`onnxruntime-node could not be loaded (its native binary is missing or does not load on this platform): ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'OnnxRuntimeUnavailableError';
  }
}

/**
 * Loaded on first use only: requiring it loads a 46 MB native library, and everything else in the engine has
 * to keep working where that library cannot load. A plain require, not import(): bundles keep it as it is
 * (the package stays external), and it resolves the CommonJS package the same way from out/ and dist/.
 */
function loadOnnxRuntimeModule(): typeof Ort {
  try {
    return require('onnxruntime-node') as typeof Ort;
  } catch (error) {
    throw new OnnxRuntimeUnavailableError(error);
  }
}

const SESSION_OPTIONS: Ort.InferenceSession.SessionOptions = {
  graphOptimizationLevel: 'all',
  // One thread each: on two cores a second intra-op thread made the p95 of a token step 10-20x worse.
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
};

/** The model's ONNX export (see src/onnx) run by ONNX Runtime. */
export class OnnxRuntime implements InferenceRuntime {
  readonly name = 'onnx';
  readonly vocabSize: number;
  private readonly layout: StateLayout;
  /** Exports made before the graph had its top-ids output run without it. */
  private readonly hasTopIds: boolean;

  private constructor(
    private readonly ort: typeof Ort,
    private readonly session: Ort.InferenceSession,
    config: ModelConfig,
    readonly loadMilliseconds: number,
    readonly loadMemoryBytes: number,
  ) {
    this.vocabSize = config.vocabSize;
    this.layout = new StateLayout(config);
    this.hasTopIds = session.outputNames.includes(TOP_IDS_OUTPUT);
  }

  static async load(directory: string): Promise<OnnxRuntime> {
    const ort = loadOnnxRuntimeModule();
    const { value, milliseconds, rssBytes } = await measureLoad(async () => {
      const manifest = await readManifest(directory);
      const entry = manifest.files.onnx;
      if (!entry) throw new ModelFormatError(directory, 'it holds no ONNX export (run `smart-compose export --model <dir>`)');
      const bytes = await readVerifiedFile(directory, entry, 'onnx');
      let session: Ort.InferenceSession;
      try {
        session = await ort.InferenceSession.create(bytes, SESSION_OPTIONS);
      } catch (error) {
        throw new ModelFormatError(directory, `its onnx file ${entry.file} is not a model ONNX Runtime can load (${firstLine(error)})`);
      }
      try {
        await checkGraph(ort, session, manifest.config, directory, entry.file);
      } catch (error) {
        await session.release();
        throw error;
      }
      return { session, config: manifest.config };
    });
    return new OnnxRuntime(ort, value.session, value.config, milliseconds, rssBytes);
  }

  initialState(batch: number): RecurrentState {
    return this.layout.zero(batch);
  }

  async run(tokens: Int32Array, steps: number, batch: number, state: RecurrentState, allSteps = false): Promise<RunResult> {
    checkRunArguments(tokens, steps, batch, this.vocabSize);
    this.layout.check(state, batch);
    const { ort, layout } = this;
    const ids = new BigInt64Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) ids[i] = BigInt(tokens[i]);
    const feeds: Record<string, Ort.Tensor> = { [TOKENS_INPUT]: new ort.Tensor('int64', ids, [steps, batch]) };
    const stateDims = [1, batch, layout.hidden];
    for (let l = 0; l < layout.layers; l++) {
      layout.kinds.forEach((kind, k) => { feeds[stateInputName(kind, l)] = new ort.Tensor('float32', state.layers[l][k], stateDims); });
    }
    const results = await this.session.run(feeds);
    const all = floats(results[LOGPROBS_OUTPUT]);
    const lastStep = batch * this.vocabSize;
    return {
      // slice: the last step alone, not a view that keeps every step's log-probabilities alive.
      logProbs: allSteps ? all : all.slice(all.length - lastStep),
      topIds: this.hasTopIds && !allSteps ? lastStepIds(results[TOP_IDS_OUTPUT], batch) : undefined,
      state: { layers: Array.from({ length: layout.layers }, (_, l) => layout.kinds.map((kind) => floats(results[stateOutputName(kind, l)]))) },
    };
  }

  selectRows(state: RecurrentState, indices: ArrayLike<number>): RecurrentState {
    return this.layout.selectRows(state, indices);
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/**
 * Checks that the graph is an export of the model the manifest describes, by its inputs and outputs and by
 * one step run for real (which also warms the session up): a stale or foreign export fails here, clearly,
 * not at the first suggestion.
 */
async function checkGraph(ort: typeof Ort, session: Ort.InferenceSession, config: ModelConfig, directory: string, file: string): Promise<void> {
  const layout = new StateLayout(config);
  const perLayer = (name: (kind: string, layer: number) => string) =>
    Array.from({ length: layout.layers }, (_, l) => layout.kinds.map((kind) => name(kind, l))).flat();
  const expectedInputs = [TOKENS_INPUT, ...perLayer(stateInputName)];
  const expectedOutputs = [LOGPROBS_OUTPUT, ...perLayer(stateOutputName)];
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((name) => b.includes(name));
  const outputsFit = same(session.outputNames, expectedOutputs) || same(session.outputNames, [...expectedOutputs, TOP_IDS_OUTPUT]);
  if (!same(session.inputNames, expectedInputs) || !outputsFit) {
    throw new ModelFormatError(directory, `its onnx file ${file} does not fit a ${layout.layers}-layer ${config.cell} model `
      + `(inputs ${session.inputNames.join(', ')}; outputs ${session.outputNames.join(', ')}); export it again`);
  }
  const feeds: Record<string, Ort.Tensor> = { [TOKENS_INPUT]: new ort.Tensor('int64', new BigInt64Array(1), [1, 1]) };
  for (const name of perLayer(stateInputName)) feeds[name] = new ort.Tensor('float32', new Float32Array(layout.hidden), [1, 1, layout.hidden]);
  let results: Ort.InferenceSession.OnnxValueMapType;
  try {
    results = await session.run(feeds);
  } catch (error) {
    throw new ModelFormatError(directory, `its onnx file ${file} fails to run (${firstLine(error)}); export it again`);
  }
  const vocabulary = results[LOGPROBS_OUTPUT].dims.at(-1);
  if (vocabulary !== config.vocabSize) {
    throw new ModelFormatError(directory, `its onnx file ${file} scores ${String(vocabulary)} words but the model's vocabulary has ${config.vocabSize}; export it again`);
  }
  for (const name of perLayer(stateOutputName)) {
    const hidden = results[name].dims.at(-1);
    if (hidden !== config.hiddenSize) {
      throw new ModelFormatError(directory, `its onnx file ${file} has ${String(hidden)} hidden units but the model has ${config.hiddenSize}; export it again`);
    }
  }
}

/** The top ids of the last step, [batch × k], as plain ids. */
function lastStepIds(value: Ort.Tensor | undefined, batch: number): Int32Array {
  if (!value || !(value.data instanceof BigInt64Array)) throw new Error('ONNX Runtime returned no int64 tensor where the graph has one');
  const k = value.dims.at(-1)!;
  const data = value.data.subarray(value.data.length - batch * k);
  return Int32Array.from(data, (id) => Number(id));
}

function floats(value: Ort.Tensor | undefined): Float32Array {
  if (!value || !(value.data instanceof Float32Array)) throw new Error('ONNX Runtime returned no float32 tensor where the graph has one');
  return value.data;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
