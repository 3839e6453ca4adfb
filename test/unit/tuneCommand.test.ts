import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tuneGate, writeGate } from '../../src/cli/tuneCommand';
import { measureSavings } from '../../src/evaluation/engineSavings';
import { readManifest } from '../../src/model/modelFiles';
import { loadSuggestionEngine } from '../../src/suggestion/loadEngine';
import { BASE_TEXT, tinyBaseModel } from './finetuneFixtures';

describe('tune: the confidence gate and the savings stored with it', () => {
  it('stores the chosen gate and its measured ksr_word (what Choose Model shows), keeping the rest of the manifest', async () => {
    const model = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'smart-compose-tune-')), 'model');
    await fs.cp(await tinyBaseModel(), model, { recursive: true });
    const before = await readManifest(model);
    const texts = [BASE_TEXT, BASE_TEXT.slice(0, 200)];
    const rows: string[] = [];
    const tuned = await tuneGate(model, texts, 'typescript', (line) => rows.push(line));
    assert.ok(rows.some((row) => row.endsWith('<- chosen')));
    assert.equal(tuned.characters, BASE_TEXT.length + 200);
    await writeGate(model, tuned);
    const after = await readManifest(model);
    assert.equal(after.policy?.minConfidence, tuned.minConfidence);
    assert.equal(after.training.figures?.ksrWord, tuned.ksrWord);
    assert.equal(after.training.figures?.ksrCharacters, tuned.characters);
    assert.deepEqual(after.training.hyperparameters, before.training.hyperparameters);
    const loaded = await loadSuggestionEngine(model, 'typescript');
    try {
      assert.equal((await measureSavings(loaded.engine, texts)).ksrWord, tuned.ksrWord, 'the stored figure is the engine\'s at the stored gate');
    } finally {
      await loaded.runtime.dispose();
    }
  });
});
