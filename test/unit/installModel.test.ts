import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { typescriptKernels } from '../../src/model/kernels/kernels';
import { ModelStaging } from '../../src/model/installModel';
import { loadModel, MANIFEST_FILE, saveModel } from '../../src/model/modelFiles';
import { randomModel, vocabularyOf } from './randomModels';

const kernels = typescriptKernels();
const config = { cell: 'gru' as const, vocabSize: 12, embeddingSize: 4, hiddenSize: 4, layers: 1, tieWeights: true };

async function staged(target: string, seed: number): Promise<ModelStaging> {
  const staging = await ModelStaging.create(target);
  // Files a fine-tuned model keeps beside its weights, different for each seed: an install must not leave the old ones.
  const file = (prefix: string) => ({ prefix, extension: '.json', data: new TextEncoder().encode(`${prefix} ${seed}`) });
  await saveModel(staging.path('model'), randomModel(config, seed, kernels), vocabularyOf(12), { training: { seconds: seed }, extraFiles: { recall: file('recall'), phrases: file('phrases') } });
  return staging;
}

describe('installing a staged model directory', () => {
  let parent: string;
  beforeEach(async () => { parent = await fs.mkdtemp(path.join(os.tmpdir(), 'smart-compose-install-')); });
  afterEach(async () => { await fs.rm(parent, { recursive: true, force: true }); });

  it('creates a missing target, replaces an existing model keeping no stale file, and leaves no staging behind', async () => {
    const target = path.join(parent, 'model');
    const first = await staged(target, 1);
    await first.install('model');
    await first.discard();
    assert.equal((await loadModel(target, kernels)).manifest.training.seconds, 1);

    const second = await staged(target, 2);
    await second.install('model');
    await second.discard();
    const { manifest } = await loadModel(target, kernels);
    assert.equal(manifest.training.seconds, 2);
    assert.deepEqual((await fs.readdir(target)).sort(), [MANIFEST_FILE, manifest.weights.file, manifest.files.recall.file, manifest.files.phrases.file].sort());
    assert.deepEqual(await fs.readdir(parent), ['model']);
  });

  it('refuses a target that holds other files, and changes nothing there', async () => {
    const target = path.join(parent, 'notes');
    await fs.mkdir(target);
    await fs.writeFile(path.join(target, 'todo.md'), 'mine');
    const staging = await staged(target, 1);
    await assert.rejects(staging.install('model'), /holds files but no model/);
    await staging.discard();
    assert.deepEqual(await fs.readdir(target), ['todo.md']);
  });

  it('removes staging directories that a killed process left, not those of a live one', async () => {
    const target = path.join(parent, 'model');
    const dead = path.join(parent, '.model.staging-999999999-abcd');
    const live = path.join(parent, `.model.staging-${process.pid}-abcd`);
    await fs.mkdir(dead);
    await fs.mkdir(live);
    const staging = await ModelStaging.create(target);
    const names = await fs.readdir(parent);
    assert.ok(!names.includes(path.basename(dead)) && names.includes(path.basename(live)));
    await staging.discard();
  });
});
