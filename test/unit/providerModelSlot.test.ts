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

  it('a model dropped while a request holds it is disposed only when the last holder is done', async () => {
    const disposed: string[] = [];
    const slot = new ModelSlot(async (directory) => fakeLoaded(directory, disposed), { status: () => {}, failed: () => assert.fail('no failure'), loaded: () => {} });
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    const first = await slot.acquire(lstm);
    const second = await slot.acquire(lstm);
    assert.ok(first && second && first.model === second.model);
    slot.release(); // the model files changed while both requests run
    const next = await slot.acquire(gru);
    assert.ok(next, 'the next request loads the new choice at once');
    next.done();
    await settle();
    assert.deepEqual(disposed, []);
    first.done();
    first.done(); // twice is once
    await settle();
    assert.deepEqual(disposed, []);
    second.done();
    await settle();
    assert.deepEqual(disposed, ['/models/lstm']);
    const unheld = await slot.acquire(gru);
    unheld!.done();
    slot.release();
    await settle();
    assert.deepEqual(disposed, ['/models/lstm', '/models/gru'], 'a model nobody holds is disposed at release');
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

  it('a chosen model that fails is replaced by its fallback, reported once', async () => {
    const tuned: ModelChoice = { name: 'workspace', directory: '/storage/tuned', runtime: 'onnx', fallback: { name: 'lstm', directory: '/models/lstm' } };
    const reports: Array<{ error: string; instead?: string; fallbackError?: unknown }> = [];
    const loadedNames: string[] = [];
    const disposed: string[] = [];
    const slot = new ModelSlot(async (directory) => {
      if (directory === '/storage/tuned') throw new Error('its weights file is missing');
      return fakeLoaded(directory, disposed);
    }, {
      status: () => {},
      failed: (error, _choice, instead, fallbackError) => reports.push({ error: (error as Error).message, instead: instead?.name, fallbackError }),
      loaded: (_model, choice) => loadedNames.push(choice.name),
    });
    for (let i = 0; i < 3; i++) assert.equal((await slot.get(tuned))?.choice.directory, '/models/lstm');
    assert.deepEqual(reports, [{ error: 'its weights file is missing', instead: 'lstm', fallbackError: undefined }]);
    assert.deepEqual(loadedNames, ['lstm']);
  });

  it('when the fallback fails too, both reasons are reported once and nothing loads', async () => {
    const tuned: ModelChoice = { name: 'workspace', directory: '/storage/tuned', runtime: 'onnx', fallback: { name: 'gru', directory: '/models/gru' } };
    const reports: unknown[][] = [];
    const statuses: ModelStatus[] = [];
    const slot = new ModelSlot(async (directory) => { throw new Error(`${directory} is corrupt`); }, {
      status: (status) => statuses.push(status),
      failed: (error, _choice, instead, fallbackError) => reports.push([(error as Error).message, instead, (fallbackError as Error).message]),
      loaded: () => assert.fail('nothing loads'),
    });
    assert.equal(await slot.get(tuned), undefined);
    assert.equal(await slot.get(tuned), undefined);
    assert.deepEqual(reports, [['/storage/tuned is corrupt', undefined, '/models/gru is corrupt']]);
    assert.deepEqual(statuses, ['loading', 'error']);
  });

  it('a fallback that is the chosen directory itself is not tried twice', async () => {
    let attempts = 0;
    const slot = new ModelSlot(async () => { attempts++; throw new Error('no model.json'); }, {
      status: () => {}, failed: (_error, _choice, instead) => assert.equal(instead, undefined), loaded: () => {},
    });
    await slot.get({ ...lstm, fallback: { name: 'lstm', directory: lstm.directory } });
    assert.equal(attempts, 1);
  });
});
