import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runExport } from '../../src/cli/exportCommand';
import { createRuntime } from '../../src/inference/createRuntime';
import { RecurrentState } from '../../src/inference/runtime';
import { CELLS, CellType } from '../../src/model/cells';
import { ModelConfig } from '../../src/model/config';
import { typescriptKernels } from '../../src/model/kernels/typescriptKernels';
import { LanguageModel } from '../../src/model/languageModel';
import { readManifest, saveModel } from '../../src/model/modelFiles';
import { Network } from '../../src/model/network';
import { Random } from '../../src/model/random';
import { randomModel, vocabularyOf } from './randomModels';
import { exportOnnx } from '../../src/onnx/exportOnnx';
import { OPSET_VERSION, TOP_IDS_OUTPUT, TOP_K } from '../../src/onnx/graphInterface';
import { onnxSchema } from '../../src/onnx/onnxSchema';

const kernels = typescriptKernels();

async function modelDirectory(model: LanguageModel, onnx = exportOnnx(model)): Promise<string> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'smart-compose-onnx-'));
  await saveModel(directory, model, vocabularyOf(model.config.vocabSize), {
    training: {},
    extraFiles: { onnx: { prefix: 'model', extension: '.onnx', data: onnx } },
  });
  return directory;
}

/** The export as the first exporter wrote it: no TopK node, no top-ids output. */
function exportWithoutTopIds(model: LanguageModel): Uint8Array {
  const { ModelProto } = onnxSchema();
  const message = ModelProto.decode(exportOnnx(model)) as unknown as { graph: { node: { op_type: string }[]; output: { name: string }[] } };
  message.graph.node = message.graph.node.filter((n) => n.op_type !== 'TopK');
  message.graph.output = message.graph.output.filter((o) => o.name !== TOP_IDS_OUTPUT);
  return ModelProto.encode(message as never).finish();
}

function randomState(model: LanguageModel, batch: number, random: Random): RecurrentState {
  const { layers, hiddenSize: H, cell } = model.config;
  return {
    layers: Array.from({ length: layers }, () => CELLS[cell].stateNames.map(() =>
      Float32Array.from({ length: batch * H }, () => random.uniform(0.9)))),
  };
}

/** The engine's forward pass, unchunked, as the reference: log-probabilities of every step and the final state. */
function referenceForward(model: LanguageModel, tokens: Int32Array, steps: number, batch: number, state: RecurrentState) {
  const network = new Network(model, { batch, steps, training: false });
  network.layers.forEach((layer, l) => state.layers[l].forEach((values, k) => layer.initialState(k).set(values)));
  const logProbs = network.forward(tokens, steps).slice();
  kernels.logSoftmaxRows(logProbs, steps * batch, model.config.vocabSize);
  const finalState = network.layers.map((layer) => CELLS[model.config.cell].stateNames.map((_, k) => layer.finalState(k).slice()));
  return { logProbs, state: finalState };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

const TYINGS = [
  { name: 'tied', tieWeights: true, sameSize: true },
  { name: 'tied+projection', tieWeights: true, sameSize: false },
  { name: 'untied', tieWeights: false, sameSize: false },
];

describe('ONNX export', () => {
  it('writes a valid ONNX model: IR version of the schema, opset, one shared embedding, one value per attribute, metadata', () => {
    const model = randomModel({ cell: 'gru', vocabSize: 60, embeddingSize: 16, hiddenSize: 16, layers: 2, tieWeights: true }, 1, kernels);
    const decoded = onnxSchema().ModelProto.toObject(onnxSchema().ModelProto.decode(exportOnnx(model)), { longs: Number, bytes: Array }) as {
      ir_version: number;
      opset_import: { domain?: string; version: number }[];
      metadata_props: { key: string; value: string }[];
      graph: { node: { op_type: string; input: string[]; attribute?: Record<string, unknown>[] }[]; initializer: { name: string; dims: number[] }[] };
    };
    assert.equal(decoded.ir_version, onnxSchema().irVersion);
    assert.equal(onnxSchema().irVersion, 8, 'the schema copied from ONNX 1.12');
    assert.deepEqual(decoded.opset_import.map((o) => o.version), [OPSET_VERSION]);
    const names = decoded.graph.initializer.map((i) => i.name);
    assert.equal(new Set(names).size, names.length, 'no initializer twice');
    assert.equal(names.filter((n) => n === 'embedding').length, 1);
    assert.ok(!names.includes('output.W'));
    const gather = decoded.graph.node.find((n) => n.op_type === 'Gather')!;
    const gemm = decoded.graph.node.find((n) => n.op_type === 'Gemm')!;
    assert.equal(gather.input[0], 'embedding');
    assert.equal(gemm.input[1], 'embedding');
    assert.deepEqual(decoded.graph.initializer.find((i) => i.name === 'layer1.R')!.dims, [1, 48, 16]);
    const grus = decoded.graph.node.filter((n) => n.op_type === 'GRU');
    assert.equal(grus.length, 2);
    for (const node of decoded.graph.node) {
      for (const attribute of node.attribute ?? []) {
        const valueFields = Object.keys(attribute).filter((key) => !['name', 'type'].includes(key));
        assert.deepEqual(valueFields, ['i'], `${node.op_type}.${String(attribute.name)} sets ${valueFields.join(', ')}`);
      }
    }
    assert.ok(grus.every((n) => n.attribute!.some((a) => a.name === 'linear_before_reset' && a.i === 1)));
    const metadata = Object.fromEntries(decoded.metadata_props.map((p) => [p.key, p.value]));
    assert.equal(metadata['smart_compose.vocab_size'], '60');
    assert.equal(metadata['smart_compose.cell'], 'gru');
    assert.equal(metadata['smart_compose.format_version'], '2');
  });

  describe('ONNX Runtime on the export matches the TypeScript forward pass (100 tokens, non-zero initial state)', () => {
    let seed = 0;
    for (const cell of Object.keys(CELLS) as CellType[]) {
      for (const layers of [1, 2]) {
        for (const tying of TYINGS) {
          const config: ModelConfig = {
            cell, layers, tieWeights: tying.tieWeights,
            vocabSize: 50 + 14 * seed, embeddingSize: 16 + 4 * (seed % 3), hiddenSize: 0,
          };
          config.hiddenSize = tying.sameSize ? config.embeddingSize : 24 + 8 * (seed % 5);
          const modelSeed = ++seed;
          it(`${cell}, ${layers} layer(s), ${tying.name} (V ${config.vocabSize}, E ${config.embeddingSize}, H ${config.hiddenSize})`, async () => {
            const model = randomModel(config, modelSeed, kernels);
            const directory = await modelDirectory(model);
            const onnx = await createRuntime('onnx', directory);
            try {
              const random = new Random(modelSeed);
              for (const batch of [1, 3]) {
                const steps = 100;
                const tokens = Int32Array.from({ length: steps * batch }, () => random.int(config.vocabSize));
                const state = randomState(model, batch, random);
                const expected = referenceForward(model, tokens, steps, batch, state);
                const actual = await onnx.run(tokens, steps, batch, state, true);
                const logProbDiff = maxAbsDiff(actual.logProbs, expected.logProbs);
                const stateDiff = Math.max(...actual.state.layers.flatMap((arrays, l) => arrays.map((a, k) => maxAbsDiff(a, expected.state[l][k]))));
                assert.ok(logProbDiff < 1e-4, `batch ${batch}: log-probabilities differ by up to ${logProbDiff}`);
                assert.ok(stateDiff < 1e-4, `batch ${batch}: states differ by up to ${stateDiff}`);
                // The comparison means something only if the model is far from predicting a uniform distribution.
                const last = expected.logProbs.subarray(expected.logProbs.length - config.vocabSize);
                assert.ok(Math.max(...last) - Math.min(...last) > 1, 'the test model predicts almost uniformly');
                if (batch === 3) console.log(`        max |Δ| log-prob ${logProbDiff.toExponential(1)}, state ${stateDiff.toExponential(1)}`);
                const lastStep = await onnx.run(tokens, steps, batch, state);
                const k = Math.min(TOP_K, config.vocabSize);
                for (let row = 0; row < batch; row++) {
                  const scores = lastStep.logProbs.subarray(row * config.vocabSize, (row + 1) * config.vocabSize);
                  const best = [...scores.keys()].sort((a, b) => scores[b] - scores[a] || a - b).slice(0, k);
                  assert.deepEqual([...lastStep.topIds!.subarray(row * k, (row + 1) * k)], best, `batch ${batch}, row ${row}: the graph's top ids`);
                }
              }
            } finally {
              await onnx.dispose();
            }
          });
        }
      }
    }
  });

  it('runs an export made before the top-ids output: the same log-probabilities, no top ids', async () => {
    const model = randomModel({ cell: 'lstm', vocabSize: 70, embeddingSize: 16, hiddenSize: 16, layers: 1, tieWeights: true }, 3, kernels);
    const [current, earlier] = await Promise.all([
      createRuntime('onnx', await modelDirectory(model)),
      createRuntime('onnx', await modelDirectory(model, exportWithoutTopIds(model))),
    ]);
    try {
      const tokens = Int32Array.from([1, 5, 9, 2]);
      const [a, b] = await Promise.all([current.run(tokens, 2, 2, current.initialState(2)), earlier.run(tokens, 2, 2, earlier.initialState(2))]);
      assert.deepEqual(b.logProbs, a.logProbs);
      assert.equal(b.topIds, undefined);
      assert.equal(a.topIds?.length, 2 * TOP_K);
    } finally {
      await Promise.all([current.dispose(), earlier.dispose()]);
    }
  });

  it('export command: writes model-<hash>.onnx into the directory, keeps other files, replaces an earlier export', async () => {
    const model = randomModel({ cell: 'lstm', vocabSize: 40, embeddingSize: 8, hiddenSize: 8, layers: 1, tieWeights: true }, 7, kernels);
    const directory = await modelDirectory(model);
    const vocabulary = vocabularyOf(40);
    model.params.values[0] += 0.5;
    const baseline = { prefix: 'baseline', extension: '.bin', data: new Uint8Array([1, 2, 3]) };
    const before = await saveModel(directory, model, vocabulary, { training: { seconds: 3 }, keepFiles: (await readManifest(directory)).files, extraFiles: { baseline } });
    const printed: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = (text: string | Uint8Array) => { printed.push(String(text)); return true; };
    try {
      await runExport({ model: directory });
    } finally {
      process.stdout.write = write;
    }
    const after = await readManifest(directory);
    assert.match(after.files.onnx.file, /^model-[0-9a-f]{16}\.onnx$/);
    assert.notEqual(after.files.onnx.file, before.files.onnx.file, 'the export reflects the changed weights');
    assert.deepEqual(after.files.baseline, before.files.baseline);
    assert.deepEqual(after.weights, before.weights);
    assert.equal(after.training.seconds, 3);
    assert.deepEqual((await fs.readdir(directory)).sort(), [after.files.baseline.file, after.files.onnx.file, 'model.json', after.weights.file].sort());
    assert.equal(printed.join(''), `${path.join(directory, after.files.onnx.file)} (${(after.files.onnx.bytes / 1e6).toFixed(2)} MB), `
      + `weights float32 (${(after.weights.bytes / 1e6).toFixed(2)} MB)\n`);
    const runtime = await createRuntime('onnx', directory);
    await runtime.dispose();
  });
});
