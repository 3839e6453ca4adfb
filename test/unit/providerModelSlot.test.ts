import * as assert from 'node:assert/strict';
import { LoadedEngine } from '../../src/suggestion/loadEngine';
import { DEFAULT_POLICY } from '../../src/suggestion/completionPolicy';
import { ModelChoice, ModelSlot, ModelStatus } from '../../src/provider/modelSlot';

function fakeLoaded(directory: string, disposed: string[]): LoadedEngine {
  return {
    engine: { options: DEFAULT_POLICY },
    runtime: { name: 'typescript', dispose: async () => { disposed.push(directory); } },
  } as unknown as LoadedEngine;
}

describe('provider: model slot', () => {
  const lstm: ModelChoice = { name: 'lstm', directory: '/models/lstm', runtime: 'onnx' };
  const gru: ModelChoice = { name: 'gru', directory: '/models/gru', runtime: 'onnx' };

  it('loads lazily and once per choice; another choice disposes the old model', async () => {
    const loads: string[] = [];
    const disposed: string[] = [];
    const statuses: ModelStatus[] = [];
    const slot = new ModelSlot(async (directory) => { loads.push(directory); return fakeLoaded(directory, disposed); }, {
      status: (status) => statuses.push(status), failed: () => assert.fail('no failure'), loaded: () => {},
    });
    assert.deepEqual(loads, []);
    const [a, b] = await Promise.all([slot.get(lstm), slot.get(lstm)]);
    assert.equal(a, b);
    assert.deepEqual(loads, ['/models/lstm']);
    assert.equal((await slot.get(gru))?.runtime.name, 'typescript');
    assert.deepEqual(loads, ['/models/lstm', '/models/gru']);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(disposed, ['/models/lstm']);
    assert.deepEqual(statuses, ['loading', 'ready', 'idle', 'loading', 'ready']);
  });

  it('reports a failed choice once, answers undefined, and loads again when chosen anew', async () => {
    const failures: unknown[] = [];
    let attempts = 0;
    const slot = new ModelSlot(async () => { attempts++; throw new Error('no model.json'); }, {
      status: () => {}, failed: (error) => failures.push(error), loaded: () => {},
    });
    for (let i = 0; i < 5; i++) assert.equal(await slot.get(lstm), undefined);
    assert.equal(attempts, 1);
    assert.equal(failures.length, 1);
    slot.release();
    await slot.get(lstm);
    assert.equal(attempts, 2);
    assert.equal(failures.length, 2);
  });
});
