import * as assert from 'node:assert/strict';
import { CountStore, keystrokesSaved, SAVED_KEYSTROKES_KEY, SavedKeystrokes } from '../../src/provider/savedKeystrokes';
import { statusBarView } from '../../src/provider/statusBar';

class MemoryStore implements CountStore {
  readonly values = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.values.set(key, JSON.parse(JSON.stringify(value)));
  }
}

describe('provider: keystrokes saved by accepted suggestions', () => {
  it('an accept saves the characters it inserts less the Tab', () => {
    assert.equal(keystrokesSaved(' man in the park'), 15);
    assert.equal(keystrokesSaved('x'), 0);
    assert.equal(keystrokesSaved(''), 0);
    assert.equal(keystrokesSaved(' café'), 4, 'characters, not UTF-16 units or bytes');
  });

  it('counts today and overall; today starts again at local midnight', async () => {
    const store = new MemoryStore();
    let now = new Date(2026, 11, 1, 23, 50);
    const counter = new SavedKeystrokes(store, () => now);
    assert.deepEqual(counter.counts(), { day: '2026-12-01', today: 0, total: 0, acceptsToday: 0, acceptsTotal: 0 });
    await counter.accepted(15);
    await counter.accepted(3);
    assert.deepEqual(counter.counts(), { day: '2026-12-01', today: 18, total: 18, acceptsToday: 2, acceptsTotal: 2 });
    now = new Date(2026, 11, 2, 0, 5);
    assert.deepEqual(counter.counts(), { day: '2026-12-02', today: 0, total: 18, acceptsToday: 0, acceptsTotal: 2 });
    await counter.accepted(4);
    assert.deepEqual(new SavedKeystrokes(store, () => now).counts(), { day: '2026-12-02', today: 4, total: 22, acceptsToday: 1, acceptsTotal: 3 },
      'the counts live in the store');
  });

  it('reads stored values that are not counts as zero, and never adds a negative or fractional saving', async () => {
    const store = new MemoryStore();
    const now = () => new Date(2026, 0, 5, 12);
    store.values.set(SAVED_KEYSTROKES_KEY, { day: '2026-01-05', today: 'ten', total: -4, acceptsToday: 1.5, acceptsTotal: 7 });
    const counter = new SavedKeystrokes(store, now);
    assert.deepEqual(counter.counts(), { day: '2026-01-05', today: 0, total: 0, acceptsToday: 0, acceptsTotal: 7 });
    await counter.accepted(-3);
    await counter.accepted(2.5);
    assert.deepEqual(counter.counts(), { day: '2026-01-05', today: 0, total: 0, acceptsToday: 2, acceptsTotal: 9 });
  });

  it('the status bar item shows the model and state, its tooltip the counts', () => {
    const saved = { day: '2026-12-01', today: 1234, total: 56789, acceptsToday: 1, acceptsTotal: 300 };
    const ready = statusBarView({ enabled: true, model: 'GRU', status: 'ready', saved });
    assert.equal(ready.text, '$(sparkle) GRU');
    assert.match(ready.tooltip, /GRU model, ready\./);
    assert.match(ready.tooltip, /today: 1,234 \(1 accepted suggestion\); overall: 56,789 \(300 accepted suggestions\)/);
    assert.match(ready.tooltip, /Click to choose the model/);
    assert.equal(statusBarView({ enabled: false, model: 'LSTM', status: 'ready', saved }).text, '$(circle-slash) LSTM');
    assert.match(statusBarView({ enabled: true, model: 'LSTM', status: 'idle', saved }).tooltip, /loads on first use/);
    const fallenBack = statusBarView({ enabled: true, model: 'Workspace', status: 'ready', usedInstead: 'LSTM', saved });
    assert.equal(fallenBack.text, '$(warning) LSTM');
    assert.match(fallenBack.tooltip, /LSTM model, ready \(the Workspace model could not be loaded\)/);
  });

  it('while training, the status bar item says how far it is', () => {
    const saved = { day: '2026-12-01', today: 0, total: 0, acceptsToday: 0, acceptsTotal: 0 };
    const view = statusBarView({ enabled: true, model: 'LSTM', status: 'ready', saved, trainingPercent: 42 });
    assert.equal(view.text, '$(sync~spin) LSTM training 42%');
    assert.match(view.tooltip, /Training on this workspace: 42%/);
  });
});
