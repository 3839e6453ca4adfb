import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRuntime } from '../../src/inference/createRuntime';
import { InferenceRuntime, RecurrentState, RuntimeKind, RuntimeOptions } from '../../src/inference/runtime';
import { ModelConfig } from '../../src/model/config';
import { typescriptKernels } from '../../src/model/kernels/typescriptKernels';
import { LanguageModel } from '../../src/model/languageModel';
import { ModelFormatError, readManifest, saveModel } from '../../src/model/modelFiles';
import { Random } from '../../src/model/random';
import { randomModel, vocabularyOf } from './randomModels';
import { exportOnnx } from '../../src/onnx/exportOnnx';

const kernels = typescriptKernels();
const CONFIG: ModelConfig = { cell: 'lstm', vocabSize: 120, embeddingSize: 16, hiddenSize: 32, layers: 2, tieWeights: true };

/** A model directory whose onnx file holds `onnx` (the model's own export unless given; null: no onnx file). */
async function modelDirectory(model: LanguageModel, onnx: Uint8Array | null = exportOnnx(model)): Promise<string> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'smart-compose-runtime-'));
  await saveModel(directory, model, vocabularyOf(model.config.vocabSize), {
    training: {},
    extraFiles: onnx ? { onnx: { prefix: 'model', extension: '.onnx', data: onnx } } : {},
  });
  return directory;
}

function randomTokens(random: Random, count: number): Int32Array {
  return Int32Array.from({ length: count }, () => random.int(CONFIG.vocabSize));
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

function assertClose(a: Float32Array, b: Float32Array, what: string, tolerance = 1e-5): void {
  const diff = maxAbsDiff(a, b);
  assert.ok(diff < tolerance, `${what} differ by up to ${diff}`);
}

function assertStatesClose(a: RecurrentState, b: RecurrentState, what: string): void {
  assert.equal(a.layers.length, b.layers.length);
  a.layers.forEach((arrays, l) => arrays.forEach((values, k) => assertClose(values, b.layers[l][k], `${what}: state [${l}][${k}]`)));
}

function copyState(state: RecurrentState): RecurrentState {
  return { layers: state.layers.map((arrays) => arrays.map((a) => a.slice())) };
}

/** Time-major rows of stream b of a [steps × batch] token array. */
function stream(tokens: Int32Array, batch: number, b: number): Int32Array {
  return tokens.filter((_, i) => i % batch === b);
}

const RUNTIMES: { kind: RuntimeKind; options: RuntimeOptions; label: string }[] = [
  { kind: 'onnx', options: {}, label: 'onnx' },
  { kind: 'typescript', options: {}, label: 'typescript (wasm kernels)' },
  { kind: 'typescript', options: { kernels: 'typescript' }, label: 'typescript (reference kernels)' },
];

describe('inference runtimes', () => {
  let directory: string;
  before(async () => {
    directory = await modelDirectory(randomModel(CONFIG, 3, kernels));
  });

  for (const { kind, options, label } of RUNTIMES) {
    describe(label, () => {
      let runtime: InferenceRuntime;
      before(async () => {
        runtime = await createRuntime(kind, directory, options);
      });
      after(async () => {
        await runtime.dispose();
      });

      it('reports its name, vocabulary size, load time and memory', () => {
        assert.equal(runtime.name, kind);
        assert.equal(runtime.vocabSize, CONFIG.vocabSize);
        assert.ok(runtime.loadMilliseconds > 0);
        assert.ok(runtime.loadMemoryBytes >= 0);
      });

      it('gives a zero state of the model\'s layout', () => {
        const state = runtime.initialState(3);
        assert.equal(state.layers.length, 2);
        for (const arrays of state.layers) {
          assert.equal(arrays.length, 2, 'LSTM: h and c');
          for (const a of arrays) assert.deepEqual(a, new Float32Array(3 * CONFIG.hiddenSize));
        }
      });

      it('100 tokens at once equal 60 then 40 with the state carried; the input state is left alone', async () => {
        const random = new Random(11);
        const batch = 3;
        const tokens = randomTokens(random, 100 * batch);
        const start = await runtime.run(randomTokens(random, 5 * batch), 5, batch, runtime.initialState(batch));
        const before = copyState(start.state);
        const whole = await runtime.run(tokens, 100, batch, start.state, true);
        assertStatesClose(start.state, before, 'the state passed in');
        const first = await runtime.run(tokens.subarray(0, 60 * batch), 60, batch, start.state, true);
        const second = await runtime.run(tokens.subarray(60 * batch), 40, batch, first.state, true);
        const rowSize = batch * CONFIG.vocabSize;
        assertClose(whole.logProbs.subarray(0, 60 * rowSize), first.logProbs, 'steps 0-59');
        assertClose(whole.logProbs.subarray(60 * rowSize), second.logProbs, 'steps 60-99');
        assertStatesClose(whole.state, second.state, 'final state');
        const lastOnly = await runtime.run(tokens, 100, batch, start.state);
        assert.equal(lastOnly.logProbs.length, rowSize);
        assertClose(lastOnly.logProbs, whole.logProbs.subarray(99 * rowSize), 'last step alone and of all steps');
        for (let r = 0; r < batch; r++) {
          const sum = lastOnly.logProbs.subarray(r * CONFIG.vocabSize, (r + 1) * CONFIG.vocabSize).reduce((s, x) => s + Math.exp(x), 0);
          assert.ok(Math.abs(sum - 1) < 1e-4, `row ${r}: probabilities sum to ${sum}`);
        }
      });

      it('selectRows reorders and duplicates streams (beam search) as if each had run alone', async () => {
        const random = new Random(12);
        const prefix = randomTokens(random, 10 * 3);
        const after = await runtime.run(prefix, 10, 3, runtime.initialState(3));
        const picked = [2, 0, 2, 1];
        const selected = runtime.selectRows(after.state, picked);
        const next = randomTokens(random, 4 * picked.length);
        const together = await runtime.run(next, 4, picked.length, selected);
        for (let i = 0; i < picked.length; i++) {
          const alone = await runtime.run(Int32Array.from([...stream(prefix, 3, picked[i]), ...stream(next, picked.length, i)]), 14, 1, runtime.initialState(1));
          const V = CONFIG.vocabSize, H = CONFIG.hiddenSize;
          assertClose(together.logProbs.subarray(i * V, (i + 1) * V), alone.logProbs, `stream ${i} log-probabilities`);
          together.state.layers.forEach((arrays, l) => arrays.forEach((a, k) =>
            assertClose(a.subarray(i * H, (i + 1) * H), alone.state.layers[l][k], `stream ${i} state [${l}][${k}]`)));
        }
        assert.throws(() => runtime.selectRows(after.state, [3]), RangeError);
      });

      it('rejects ids outside the vocabulary and states that do not fit', async () => {
        await assert.rejects(runtime.run(Int32Array.from([CONFIG.vocabSize]), 1, 1, runtime.initialState(1)), /outside the vocabulary/);
        await assert.rejects(runtime.run(Int32Array.from([1, 2]), 1, 2, runtime.initialState(1)), /state holds 1 streams but the batch is 2/);
        await assert.rejects(runtime.run(Int32Array.from([1, 2, 3]), 1, 2, runtime.initialState(2)), /expected steps × batch = 2/);
        await assert.rejects(runtime.run(Int32Array.from([1]), 1, 1, { layers: [[new Float32Array(CONFIG.hiddenSize)]] }), /2 layer\(s\) of 2 array\(s\)/);
      });
    });
  }

  it('the ONNX and TypeScript runtimes (wasm and reference kernels) agree on 100 tokens for 3 streams', async () => {
    const random = new Random(13);
    const tokens = randomTokens(random, 100 * 3);
    const results = [];
    for (const { kind, options } of RUNTIMES) {
      const runtime = await createRuntime(kind, directory, options);
      try {
        results.push(await runtime.run(tokens, 100, 3, runtime.initialState(3), true));
      } finally {
        await runtime.dispose();
      }
    }
    for (const other of results.slice(1)) {
      assertClose(other.logProbs, results[0].logProbs, 'log-probabilities', 1e-4);
      assertStatesClose(other.state, results[0].state, 'final state');
    }
  });

  describe('a model directory whose ONNX file is unusable is rejected clearly', () => {
    async function assertRejected(dir: string, pattern: RegExp): Promise<void> {
      await assert.rejects(createRuntime('onnx', dir), (error: unknown) => {
        assert.ok(error instanceof ModelFormatError, `expected ModelFormatError, got ${String(error)}`);
        assert.match(error.message, pattern);
        return true;
      });
    }

    it('no ONNX export in the manifest', async () => {
      await assertRejected(await modelDirectory(randomModel(CONFIG, 4, kernels), null), /holds no ONNX export/);
    });

    it('the ONNX file is missing', async () => {
      const dir = await modelDirectory(randomModel(CONFIG, 4, kernels));
      await fs.rm(path.join(dir, (await readManifest(dir)).files.onnx.file));
      await assertRejected(dir, /onnx file model-[0-9a-f]+\.onnx is missing/);
    });

    it('the ONNX file is truncated', async () => {
      const dir = await modelDirectory(randomModel(CONFIG, 4, kernels));
      const file = path.join(dir, (await readManifest(dir)).files.onnx.file);
      await fs.truncate(file, (await fs.stat(file)).size - 100);
      await assertRejected(dir, /has \d+ bytes, expected \d+ \(truncated\?\)/);
    });

    it('the ONNX file is garbage (with a manifest entry that matches it)', async () => {
      const garbage = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251);
      await assertRejected(await modelDirectory(randomModel(CONFIG, 4, kernels), garbage), /is not a model ONNX Runtime can load/);
    });

    it('the ONNX file is an export of a model with another vocabulary size', async () => {
      const other = randomModel({ ...CONFIG, vocabSize: CONFIG.vocabSize + 5 }, 5, kernels);
      await assertRejected(await modelDirectory(randomModel(CONFIG, 4, kernels), exportOnnx(other)), /scores 125 words but the model's vocabulary has 120/);
    });

    it('the ONNX file is an export of a model with another number of layers', async () => {
      const other = randomModel({ ...CONFIG, layers: 1 }, 5, kernels);
      await assertRejected(await modelDirectory(randomModel(CONFIG, 4, kernels), exportOnnx(other)), /does not fit a 2-layer lstm model/);
    });
  });
});
