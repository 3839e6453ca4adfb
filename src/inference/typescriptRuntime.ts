import { createKernels } from '../model/kernels/createKernels';
import { Kernels } from '../model/kernels/kernels';
import { LanguageModel } from '../model/languageModel';
import { loadModel } from '../model/modelFiles';
import { Network } from '../model/network';
import { measureLoad } from './loadMeasurement';
import { InferenceRuntime, RecurrentState, RunResult, RuntimeOptions } from './runtime';
import { checkRunArguments, StateLayout } from './stateLayout';

/**
 * Longer inputs run in chunks of this many steps, the state carried between them: a network's buffers grow with
 * steps × batch × V (the logits), so chunking bounds them whatever the input length.
 */
const CHUNK_STEPS = 32;
/**
 * Networks kept, by shape, with the TypeScript kernels. Steps come in two sizes only (1, the token-by-token case,
 * and CHUNK_STEPS), so shapes differ by batch. The wasm kernels' allocator never frees: a dropped network's
 * memory would not come back and re-creating it would take more, so with them every shape is kept, and memory
 * is bounded by the batch sizes a caller uses (its beam widths).
 */
const MAX_NETWORKS = 8;

/** The engine's own forward pass (the one training uses, without dropout) behind the runtime interface. */
export class TypeScriptRuntime implements InferenceRuntime {
  readonly name = 'typescript';
  readonly vocabSize: number;
  private readonly layout: StateLayout;

  private constructor(
    private readonly model: LanguageModel,
    private readonly kernels: Kernels,
    /** Insertion order is recency order: a used network is moved to the end. */
    private readonly networks: Map<string, Network>,
    readonly loadMilliseconds: number,
    readonly loadMemoryBytes: number,
  ) {
    this.vocabSize = model.config.vocabSize;
    this.layout = new StateLayout(model.config);
  }

  static async load(directory: string, options: RuntimeOptions = {}): Promise<TypeScriptRuntime> {
    let kernels: Kernels | undefined;
    try {
      const { value, milliseconds, rssBytes } = await measureLoad(async () => {
        kernels = await createKernels(options.kernels ?? 'wasm', options.threads ?? 1);
        const { model } = await loadModel(directory, kernels);
        // One token for one stream, the commonest shape, allocated now so that the first suggestion does not wait.
        const networks = new Map([[networkKey(1, 1), new Network(model, { batch: 1, steps: 1, training: false })]]);
        return { model, kernels, networks };
      });
      return new TypeScriptRuntime(value.model, value.kernels, value.networks, milliseconds, rssBytes);
    } catch (error) {
      kernels?.dispose();
      throw error;
    }
  }

  initialState(batch: number): RecurrentState {
    return this.layout.zero(batch);
  }

  async run(tokens: Int32Array, steps: number, batch: number, state: RecurrentState, allSteps = false): Promise<RunResult> {
    checkRunArguments(tokens, steps, batch, this.vocabSize);
    this.layout.check(state, batch);
    const V = this.vocabSize;
    const logProbs = new Float32Array((allSteps ? steps : 1) * batch * V);
    let current = state.layers;
    for (let start = 0; start < steps; start += CHUNK_STEPS) {
      const chunk = Math.min(CHUNK_STEPS, steps - start);
      const network = this.network(batch, chunk === 1 ? 1 : CHUNK_STEPS);
      network.layers.forEach((layer, l) => current[l].forEach((values, k) => layer.initialState(k).set(values)));
      const logits = network.forward(tokens.subarray(start * batch, (start + chunk) * batch), chunk);
      if (allSteps) {
        this.kernels.logSoftmaxRows(logits, chunk * batch, V);
        logProbs.set(logits, start * batch * V);
      } else if (start + chunk === steps) {
        const last = logits.subarray((chunk - 1) * batch * V);
        this.kernels.logSoftmaxRows(last, batch, V);
        logProbs.set(last);
      }
      current = network.layers.map((layer) => this.layout.kinds.map((_, k) => layer.finalState(k).slice()));
    }
    return { logProbs, state: { layers: current } };
  }

  selectRows(state: RecurrentState, indices: ArrayLike<number>): RecurrentState {
    return this.layout.selectRows(state, indices);
  }

  async dispose(): Promise<void> {
    this.networks.clear();
    this.kernels.dispose();
  }

  private network(batch: number, steps: number): Network {
    const key = networkKey(batch, steps);
    let network = this.networks.get(key);
    if (network) {
      this.networks.delete(key);
    } else {
      network = new Network(this.model, { batch, steps, training: false });
      if (this.kernels.name === 'typescript' && this.networks.size >= MAX_NETWORKS) this.networks.delete(this.networks.keys().next().value!);
    }
    this.networks.set(key, network);
    return network;
  }
}

function networkKey(batch: number, steps: number): string {
  return `${batch}×${steps}`;
}
