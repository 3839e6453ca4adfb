import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FinetuneProgress } from '../../src/training/finetune';
import { startFinetuneJob } from '../../src/training/finetuneJob';
import { DEFAULT_COLLECT_OPTIONS } from '../../src/training/workspaceFiles';
import { QUICK, tinyBaseModel, writeWorkspace } from './finetuneFixtures';

const collect = { include: DEFAULT_COLLECT_OPTIONS.include, exclude: DEFAULT_COLLECT_OPTIONS.exclude, maxFileBytes: DEFAULT_COLLECT_OPTIONS.maxFileBytes };

describe('fine-tuning job in a worker thread', () => {
  it('collects, fine-tunes with the wasm kernels (and their helper thread) and the ONNX runtime inside the worker, relays progress, reports the result', async () => {
    const out = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'smart-compose-job-')), 'model');
    const phases = new Set<FinetuneProgress['phase']>();
    const base = await tinyBaseModel();
    const roots = [await writeWorkspace(5)];
    let validations = 0;
    const job = startFinetuneJob(
      { base, out, settings: { ...QUICK, kernels: 'wasm', threads: 2 }, source: { roots, collect } },
      { onProgress: (p) => phases.add(p.phase), onValidation: () => validations++ },
    );
    const outcome = await job.outcome;
    assert.equal(outcome.status, 'done', JSON.stringify(outcome));
    if (outcome.status !== 'done') return;
    assert.ok(outcome.result.kept, outcome.result.decision);
    assert.equal(outcome.collected?.files, 5);
    assert.ok(phases.has('training') && phases.has('writing'), [...phases].join(', '));
    assert.ok(validations >= 2);
    assert.ok((await fs.readdir(out)).includes('model.json'));
  });

  it('cancel: the job ends as cancelled within a second and leaves the previous model as it was', async () => {
    const base = await tinyBaseModel();
    const out = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'smart-compose-job-')), 'model');
    await fs.cp(base, out, { recursive: true });
    const before = (await fs.readdir(out)).sort();
    const manifest = await fs.readFile(path.join(out, 'model.json'), 'utf8');
    let cancelledAt = 0;
    const job = startFinetuneJob(
      { base, out, settings: { ...QUICK, maxSeconds: 30, patience: 1000 }, source: { roots: [await writeWorkspace(5)], collect } },
      { onValidation: (point) => { if (point.step > 0 && cancelledAt === 0) { cancelledAt = performance.now(); job.cancel(); } } },
    );
    const outcome = await job.outcome;
    const ms = performance.now() - cancelledAt;
    console.log(`      ended ${ms.toFixed(0)} ms after cancel()`);
    assert.deepEqual(outcome, { status: 'cancelled' });
    assert.ok(cancelledAt > 0 && ms < 1000);
    assert.deepEqual((await fs.readdir(out)).sort(), before);
    assert.equal(await fs.readFile(path.join(out, 'model.json'), 'utf8'), manifest);
    assert.deepEqual(await fs.readdir(path.dirname(out)), ['model'], 'no staging left');
  });

  it('cancel while the worker cannot listen: it is terminated, and what it was staging beside the model is removed', async () => {
    const base = await tinyBaseModel();
    const out = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'smart-compose-job-')), 'model');
    await fs.cp(base, out, { recursive: true });
    let training!: () => void;
    const started = new Promise<void>((resolve) => { training = resolve; });
    const job = startFinetuneJob(
      { base, out, source: { documents: [] } },
      { onProgress: (p) => { if (p.phase === 'training') training(); } },
      path.join(__dirname, 'stuckFinetuneWorker.js'),
    );
    await started;
    const staged = (await fs.readdir(path.dirname(out))).filter((name) => name.startsWith('.model.staging-'));
    assert.equal(staged.length, 1, 'the worker staged a directory');
    const cancelledAt = performance.now();
    job.cancel();
    assert.deepEqual(await job.outcome, { status: 'cancelled' });
    assert.ok(performance.now() - cancelledAt < 1500);
    assert.deepEqual(await fs.readdir(path.dirname(out)), ['model'], 'no staging left');
  });

  it('an empty workspace fails as an input error with the clear message', async () => {
    const out = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'smart-compose-job-')), 'model');
    const empty = await fs.mkdtemp(path.join(os.tmpdir(), 'smart-compose-empty-'));
    const outcome = await startFinetuneJob({ base: await tinyBaseModel(), out, settings: QUICK, source: { roots: [empty], collect } }).outcome;
    assert.deepEqual(outcome, { status: 'failed', inputError: true, message: 'the workspace holds no usable text (no prose files, or all were skipped); nothing to learn from' });
    await assert.rejects(fs.stat(out));
  });
});
