import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { typescriptKernels } from '../../src/model/kernels/kernels';
import { saveModel } from '../../src/model/modelFiles';
import { exportOnnx } from '../../src/onnx/exportOnnx';
import { loadSuggestionEngine } from '../../src/suggestion/loadEngine';
import { randomModel, vocabularyOf } from './randomModels';

/**
 * The editor's path end to end under Node: a model directory, its ONNX export, the engine with each runtime.
 * A random model with the gate open suggests at nearly every keystroke, which makes any difference between
 * onnxruntime-node and our TypeScript forward (ordering, spacing, state caching) show.
 */
describe('suggestion engine over both runtimes', () => {
  it('gives the same suggestions at every keystroke with onnxruntime-node and the TypeScript runtime', async () => {
    const model = randomModel({ cell: 'gru', vocabSize: 90, embeddingSize: 16, hiddenSize: 24, layers: 1, tieWeights: true }, 5, typescriptKernels());
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'smart-compose-engines-'));
    await saveModel(directory, model, vocabularyOf(90), {
      training: {},
      extraFiles: { onnx: { prefix: 'model', extension: '.onnx', data: exportOnnx(model), derivedFromWeights: true } },
    });
    const text = 'w10 w11 w12, w13 w14. w15 w16 w17 w18\nw19 w20 w21 w2 w3 w40 w41 w42 w43 w44 w45 w46 w47 w48.';
    const typed = async (kind: 'onnx' | 'typescript') => {
      const { engine, runtime } = await loadSuggestionEngine(directory, kind, { minConfidence: 0 });
      try {
        const out: string[] = [];
        for (let i = 0; i <= text.length; i++) out.push(await engine.suggest({ document: 'd', textBeforeCursor: text.slice(0, i) }));
        return out;
      } finally {
        await runtime.dispose();
      }
    };
    const onnx = await typed('onnx');
    const ours = await typed('typescript');
    assert.ok(onnx.filter((s) => s !== '').length > text.length / 2, 'the open gate shows suggestions at most keystrokes');
    assert.deepEqual(ours, onnx);
  });
});
