import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModelConfig } from '../../src/model/config';
import { typescriptKernels } from '../../src/model/kernels/typescriptKernels';
import { readManifest, saveModel, updateManifest } from '../../src/model/modelFiles';
import { exportOnnx } from '../../src/onnx/exportOnnx';
import { directoryWithOnnx } from '../../src/provider/onnxExportCache';
import { loadSuggestionEngine } from '../../src/suggestion/loadEngine';
import { randomModel, vocabularyOf } from './randomModels';

describe('provider: ONNX export of a packaged model', () => {
  const config: ModelConfig = { cell: 'gru', layers: 1, tieWeights: true, vocabSize: 40, embeddingSize: 8, hiddenSize: 8 };
  const model = randomModel(config, 3, typescriptKernels());
  let root: string;
  let packaged: string;
  let cache: string;

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'smart-compose-onnx-cache-'));
    // As the .vsix carries it: weights and manifest, no ONNX export.
    packaged = path.join(root, 'extension', 'gru');
    cache = path.join(root, 'storage', 'onnx-exports');
    await saveModel(packaged, model, vocabularyOf(config.vocabSize), { training: { figures: { ksrWord: 0.25 } }, policy: { minConfidence: 0.3 } });
  });
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  it('exports once into the cache, with the manifest\'s training record and policy, and onnxruntime-node loads it', async () => {
    const ready = await directoryWithOnnx(packaged, cache);
    assert.equal(path.dirname(ready), cache);
    const manifest = await readManifest(ready);
    assert.ok(manifest.files.onnx, 'the cached copy names its export');
    assert.deepEqual(manifest.training.figures, { ksrWord: 0.25 });
    assert.equal(manifest.policy?.minConfidence, 0.3);
    assert.deepEqual(await fs.readdir(packaged).then((files) => files.some((f) => f.endsWith('.onnx'))), false, 'the packaged directory is not written');

    const onnxFile = path.join(ready, manifest.files.onnx.file);
    const { mtimeMs } = await fs.stat(onnxFile);
    assert.equal(await directoryWithOnnx(packaged, cache), ready);
    assert.equal((await fs.stat(onnxFile)).mtimeMs, mtimeMs, 'the second load reuses the export');

    const loaded = await loadSuggestionEngine(ready, 'onnx');
    try {
      assert.equal(loaded.runtime.name, 'onnx');
      assert.equal(loaded.engine.options.minConfidence, 0.3);
    } finally {
      await loaded.runtime.dispose();
    }
  });

  it('re-exports a corrupt cached export, and a changed manifest replaces the old entry', async () => {
    const first = await directoryWithOnnx(packaged, cache);
    const onnx = (await readManifest(first)).files.onnx;
    await fs.writeFile(path.join(first, onnx.file), 'not an onnx file');
    assert.equal(await directoryWithOnnx(packaged, cache), first);
    assert.ok((await fs.stat(path.join(first, onnx.file))).size === onnx.bytes, 'rebuilt');

    await updateManifest(packaged, { policy: { minConfidence: 0.5 } });
    const second = await directoryWithOnnx(packaged, cache);
    assert.notEqual(second, first);
    assert.equal((await readManifest(second)).policy?.minConfidence, 0.5);
    assert.deepEqual(await fs.readdir(cache), [path.basename(second)], 'the earlier entry and no temporary folder remain');
  });

  it('uses a directory that has its own export as it is, and leaves an unreadable one to the loader', async () => {
    const complete = path.join(root, 'complete');
    await saveModel(complete, model, vocabularyOf(config.vocabSize), {
      training: {}, extraFiles: { onnx: { prefix: 'model', extension: '.onnx', data: exportOnnx(model), derivedFromWeights: true } },
    });
    assert.equal(await directoryWithOnnx(complete, cache), complete);
    const missing = path.join(root, 'missing');
    assert.equal(await directoryWithOnnx(missing, cache), missing);
    await assert.rejects(loadSuggestionEngine(missing, 'onnx'), /no model\.json/);
  });

  it('fails clearly when the packaged weights are missing', async () => {
    const { weights } = await readManifest(packaged);
    await fs.rm(path.join(packaged, weights.file));
    await assert.rejects(directoryWithOnnx(packaged, cache), /weights file .* is missing/);
    assert.deepEqual(await fs.readdir(cache).catch(() => []), [], 'nothing half-made is left');
  });
});
