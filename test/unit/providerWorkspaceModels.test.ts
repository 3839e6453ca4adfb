import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isTrainedChoice, preferredModel, WorkspaceModels } from '../../src/provider/workspaceModels';

describe('provider: the models trained on a workspace', () => {
  const lstm = { name: 'lstm', label: 'LSTM', directory: '/extension/media/models/lstm' };

  it('a trained model is preferred, with its architecture\'s default standing in; else the default alone', () => {
    const trained = preferredModel(lstm, 'onnx', '/storage/models/lstm');
    assert.deepEqual(trained, { name: 'lstm', directory: '/storage/models/lstm', runtime: 'onnx', fallback: { name: 'lstm', directory: lstm.directory } });
    assert.equal(isTrainedChoice(trained), true);
    const byDefault = preferredModel(lstm, 'typescript', undefined);
    assert.deepEqual(byDefault, { name: 'lstm', directory: lstm.directory, runtime: 'typescript', fallback: { name: 'lstm', directory: lstm.directory } });
    assert.equal(isTrainedChoice(byDefault), false);
    // What the slot reports when the fallback loaded instead: the default, without a fallback of its own.
    assert.equal(isTrainedChoice({ directory: lstm.directory }), false);
  });

  it('lays out <storage>/models/<arch> and the report beside them; sees a model only once its manifest is there', async () => {
    const storage = await fs.mkdtemp(path.join(os.tmpdir(), 'smart-compose-storage-'));
    try {
      const models = new WorkspaceModels(storage);
      assert.equal(models.directory('gru'), path.join(storage, 'models', 'gru'));
      assert.equal(models.reportFile, path.join(storage, 'models', 'training-report.json'));
      assert.deepEqual([models.has('lstm'), models.has('gru')], [false, false]);
      await fs.mkdir(models.directory('lstm'), { recursive: true });
      await fs.writeFile(path.join(models.directory('lstm'), 'weights-0.bin'), '');
      models.refresh();
      assert.equal(models.has('lstm'), false, 'a directory without model.json is no model');
      await fs.writeFile(path.join(models.directory('lstm'), 'model.json'), '{}');
      assert.equal(models.has('lstm'), false, 'the answer is cached until refresh()');
      models.refresh();
      assert.deepEqual([models.has('lstm'), models.has('gru')], [true, false]);
      assert.equal(new WorkspaceModels(storage).has('lstm'), true, 'looked at on construction');
    } finally {
      await fs.rm(storage, { recursive: true, force: true });
    }
  });
});
