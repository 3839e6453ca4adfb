import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { typescriptKernels } from '../../src/model/kernels/typescriptKernels';
import { createModel } from '../../src/model/languageModel';
import { loadModel, MANIFEST_FILE, ModelFormatError, readManifest, readVerifiedFile, saveModel } from '../../src/model/modelFiles';
import { sha256 } from '../../src/util/atomicWrite';
import { countTokens, Vocabulary } from '../../src/model/vocabulary';

const kernels = typescriptKernels();

async function savedModel() {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'smart-compose-model-'));
  const vocabulary = Vocabulary.build(countTokens(['the cat sat on the mat. the dog ran.']), { minCount: 1, maxSize: 50 });
  const model = createModel({ cell: 'gru', vocabSize: vocabulary.size, embeddingSize: 6, hiddenSize: 8, layers: 1, tieWeights: true }, kernels, 2);
  const manifest = await saveModel(directory, model, vocabulary, { training: { softmax: 'full', figures: { perplexity: 12.5 } } });
  return { directory, vocabulary, model, manifest };
}

async function editManifest(directory: string, edit: (m: Record<string, unknown>) => void): Promise<void> {
  const file = path.join(directory, MANIFEST_FILE);
  const manifest = JSON.parse(await fs.readFile(file, 'utf8'));
  edit(manifest);
  await fs.writeFile(file, JSON.stringify(manifest));
}

async function assertRejected(directory: string, pattern: RegExp): Promise<void> {
  await assert.rejects(loadModel(directory, kernels), (error: unknown) => {
    assert.ok(error instanceof ModelFormatError, `expected ModelFormatError, got ${String(error)}`);
    assert.match(error.message, pattern);
    return true;
  });
}

describe('model directory', () => {
  it('round-trips weights, architecture, vocabulary and training record exactly', async () => {
    const { directory, vocabulary, model } = await savedModel();
    const loaded = await loadModel(directory, kernels);
    assert.deepEqual(loaded.model.config, model.config);
    assert.deepEqual(loaded.vocabulary.toJSON(), vocabulary.toJSON());
    assert.deepEqual(loaded.model.params.values, model.params.values);
    assert.equal(loaded.manifest.training.figures?.perplexity, 12.5);
  });

  it('stores float16 weights in half the bytes and reads back exactly the rounded values the model kept', async () => {
    const { directory, vocabulary, model } = await savedModel();
    const before = Float32Array.from(model.params.values);
    const float32Bytes = (await readManifest(directory)).weights.bytes;
    const manifest = await saveModel(directory, model, vocabulary, { training: {}, weightsDtype: 'float16' });
    assert.equal(manifest.weights.dtype, 'float16');
    assert.equal(manifest.weights.bytes * 2, float32Bytes);
    const loaded = await loadModel(directory, kernels);
    assert.deepEqual(loaded.model.params.values, model.params.values);
    let largest = 0;
    for (let i = 0; i < before.length; i++) largest = Math.max(largest, Math.abs(before[i] - model.params.values[i]) / Math.max(Math.abs(before[i]), 2 ** -14));
    assert.ok(largest > 0 && largest <= 2 ** -11, `relative rounding ${largest}`);
  });

  it('reads a file shared with sibling model directories, and refuses any other path out of the directory', async () => {
    const { directory } = await savedModel();
    const shared = path.join(path.dirname(directory), `shared-${path.basename(directory)}`);
    await fs.mkdir(shared);
    const data = Buffer.from('the baseline both models share');
    await fs.writeFile(path.join(shared, 'baseline-0123456789abcdef.kn3'), data);
    const entry = { file: `../${path.basename(shared)}/baseline-0123456789abcdef.kn3`, bytes: data.length, sha256: sha256(data) };
    await editManifest(directory, (m) => { m.files = { baseline: entry }; });
    const manifest = await readManifest(directory);
    assert.deepEqual(Buffer.from(await readVerifiedFile(directory, manifest.files.baseline, 'baseline')), data);
    for (const file of ['../../etc/passwd', '../a/../b', '/etc/passwd', '..', 'sub/dir.kn3']) {
      await editManifest(directory, (m) => { m.files = { baseline: { ...entry, file } }; });
      await assert.rejects(readManifest(directory), /bad entry for its baseline file/, file);
    }
  });

  it('replaces a model without leaving files of the old one, and keeps the old one until the new manifest lands', async () => {
    const { directory, vocabulary, model, manifest } = await savedModel();
    model.params.values[0] += 1;
    const second = await saveModel(directory, model, vocabulary, { training: {} });
    assert.notEqual(second.weights.file, manifest.weights.file);
    const files = (await fs.readdir(directory)).sort();
    assert.deepEqual(files, [second.weights.file, MANIFEST_FILE].sort());
  });

  it('rejects a missing directory or manifest clearly', async () => {
    await assertRejected(path.join(os.tmpdir(), 'no-such-smart-compose-model'), /no model\.json/);
  });

  it('rejects a truncated manifest', async () => {
    const { directory } = await savedModel();
    const file = path.join(directory, MANIFEST_FILE);
    const text = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, text.slice(0, text.length / 2));
    await assertRejected(directory, /not valid JSON/);
  });

  it('rejects truncated weights', async () => {
    const { directory, manifest } = await savedModel();
    const file = path.join(directory, manifest.weights.file);
    const bytes = await fs.readFile(file);
    await fs.writeFile(file, bytes.subarray(0, bytes.length - 4));
    await assertRejected(directory, /bytes, expected .* \(truncated\?\)/);
  });

  it('rejects corrupt weights (one flipped bit)', async () => {
    const { directory, manifest } = await savedModel();
    const file = path.join(directory, manifest.weights.file);
    const bytes = await fs.readFile(file);
    bytes[17] ^= 4;
    await fs.writeFile(file, bytes);
    await assertRejected(directory, /does not match its checksum/);
  });

  it('rejects another format version, naming both versions', async () => {
    const { directory } = await savedModel();
    await editManifest(directory, (m) => { m.formatVersion = 99; });
    await assertRejected(directory, /format version 99 is not supported \(this version reads 1\)/);
  });

  it('rejects an architecture that does not match the weights', async () => {
    const { directory } = await savedModel();
    await editManifest(directory, (m) => { (m.config as { hiddenSize: number }).hiddenSize = 9; });
    await assertRejected(directory, /tensor list does not match the architecture/);
  });

  it('rejects a vocabulary of the wrong size', async () => {
    const { directory } = await savedModel();
    await editManifest(directory, (m) => { (m.vocabulary as string[]).push('extra'); });
    await assertRejected(directory, /vocabulary has \d+ words but the model expects \d+/);
  });

  it('rejects an unknown cell type', async () => {
    const { directory } = await savedModel();
    await editManifest(directory, (m) => { (m.config as { cell: string }).cell = 'transformer'; });
    await assertRejected(directory, /unknown cell type "transformer"/);
  });

  it('reads the manifest alone without loading weights', async () => {
    const { directory } = await savedModel();
    const manifest = await readManifest(directory);
    assert.equal(manifest.config.cell, 'gru');
  });
});
