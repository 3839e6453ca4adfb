import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { typescriptKernels } from '../../src/model/kernels/typescriptKernels';
import { saveModel } from '../../src/model/modelFiles';
import { describeModel, ModelFacts, ModelOption, pickItems, readModelFacts } from '../../src/provider/modelPicker';
import { randomModel, vocabularyOf } from './randomModels';

describe('provider: the model quick pick', () => {
  const options: ModelOption[] = [
    { name: 'lstm', label: 'LSTM', directory: '/models/lstm' },
    { name: 'gru', label: 'GRU', directory: '/models/gru' },
  ];

  it('reads size on disk and the keystroke savings recorded in model.json', async () => {
    const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'smart-compose-picker-'));
    try {
      const model = randomModel({ cell: 'lstm', layers: 1, tieWeights: true, vocabSize: 30, embeddingSize: 8, hiddenSize: 8 }, 1, typescriptKernels());
      await saveModel(directory, model, vocabularyOf(30), { training: { figures: { ksr: 0.21, ksrWord: 0.265, perplexity: 80 } } });
      let bytes = 0;
      for (const file of await fs.readdir(directory)) bytes += (await fs.stat(path.join(directory, file))).size;
      const facts = await readModelFacts(directory);
      assert.deepEqual(facts, { bytesOnDisk: bytes, ksr: 0.21, ksrWord: 0.265, vocabulary: 30, hiddenSize: 8 });
      assert.match(describeModel(facts), /^\d+ KB on disk · saves 26\.5% of keystrokes with Tab or word by word, 21\.0% with Tab only$/);

      await fs.writeFile(path.join(directory, 'model.json'), '{"truncated');
      const broken = await readModelFacts(directory);
      assert.match(broken.problem ?? '', /not valid JSON/);
      assert.match(describeModel(broken), /^cannot be read: /);
    } finally {
      await fs.rm(directory, { recursive: true, force: true });
    }
  });

  it('says when savings were not measured', () => {
    assert.equal(describeModel({ bytesOnDisk: 7.5 * 1024 * 1024 }), '7.5 MB on disk · keystroke savings not measured');
  });

  it('lists the models with the chosen one marked, then the toggle', () => {
    const facts = new Map<string, ModelFacts>([
      ['lstm', { bytesOnDisk: 2048, ksrWord: 0.3, vocabulary: 10000, hiddenSize: 256 }],
      ['gru', { bytesOnDisk: 4096 }],
    ]);
    const items = pickItems(options, facts, 'gru', true);
    assert.deepEqual(items.map((item) => item.label), ['$(blank) LSTM', '$(check) GRU', '$(circle-slash) Turn Suggestions Off']);
    assert.deepEqual(items.map((item) => item.action), [{ kind: 'model', name: 'lstm' }, { kind: 'model', name: 'gru' }, { kind: 'toggle' }]);
    assert.equal(items[0].description, '256 units, 10,000 words');
    assert.equal(items[1].description, 'in use');
    assert.equal(items[0].detail, '2 KB on disk · saves 30.0% of keystrokes with Tab or word by word');
    assert.equal(pickItems(options, facts, 'lstm', false).at(-1)?.label, '$(sparkle) Turn Suggestions On');
  });

  it('lists a model trained on this workspace first, in use for its architecture; its default then resets to it', () => {
    const facts = new Map<string, ModelFacts>([['lstm', { bytesOnDisk: 2048 }], ['gru', { bytesOnDisk: 4096 }]]);
    const trained = new Map<string, ModelFacts>([['lstm', { bytesOnDisk: 3072, ksr: 0.41, ksrWord: 0.52, vocabulary: 10_040, hiddenSize: 256 }]]);
    const items = pickItems(options, facts, 'lstm', true, trained);
    assert.deepEqual(items.map((item) => item.label), [
      '$(check) LSTM (trained on this workspace)', '$(blank) LSTM', '$(blank) GRU', '$(circle-slash) Turn Suggestions Off',
    ]);
    assert.deepEqual(items.map((item) => item.action), [{ kind: 'model', name: 'lstm' }, { kind: 'reset', name: 'lstm' }, { kind: 'model', name: 'gru' }, { kind: 'toggle' }]);
    assert.equal(items[0].description, 'in use · 256 units, 10,040 words');
    assert.equal(items[0].detail, '3 KB on disk · saves 52.0% of keystrokes with Tab or word by word, 41.0% with Tab only');
    assert.equal(items[1].description, 'default: picking it removes the trained model');
    const otherChosen = pickItems(options, facts, 'gru', true, trained);
    assert.deepEqual(otherChosen.slice(0, 3).map((item) => item.label), ['$(blank) LSTM (trained on this workspace)', '$(blank) LSTM', '$(check) GRU']);
  });
});
