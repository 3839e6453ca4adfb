import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventLoopStallWatch } from '../../src/provider/eventLoopStall';
import { loadReport } from '../../src/provider/savedReport';
import { TrainingRun, WorkspaceTraining } from '../../src/provider/workspaceTraining';
import type { FinetuneResult } from '../../src/training/finetune';
import type { CollectSummary, FinetuneJob, FinetuneJobHandlers, FinetuneJobRequest, FinetuneOutcome } from '../../src/training/finetuneJob';
import { sampleReport } from './trainingReportSample';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A job that the test ends by hand (the real worker is tested in finetuneJob.test.ts). */
class FakeJob implements FinetuneJob {
  readonly outcome: Promise<FinetuneOutcome>;
  end!: (outcome: FinetuneOutcome) => void;
  cancels = 0;
  constructor(readonly request: FinetuneJobRequest, readonly handlers: FinetuneJobHandlers) {
    this.outcome = new Promise((resolve) => { this.end = resolve; });
  }
  cancel(): void {
    this.cancels++;
    setTimeout(() => this.end({ status: 'cancelled' }), 20);
  }
}

describe('provider: one training run at a time', () => {
  let storage: string;
  let jobs: FakeJob[];
  let training: WorkspaceTraining;
  beforeEach(async () => {
    storage = await fs.mkdtemp(path.join(os.tmpdir(), 'smart-compose-training-'));
    jobs = [];
    training = new WorkspaceTraining((request, handlers) => { const job = new FakeJob(request, handlers); jobs.push(job); return job; });
  });
  afterEach(() => fs.rm(storage, { recursive: true, force: true }));

  const run = (): TrainingRun => ({
    arch: 'gru', base: '/storage/gru', fallbackBase: '/defaults/gru', out: path.join(storage, 'models', 'gru'), reportFile: path.join(storage, 'models', 'training-report.json'),
    settings: { maxSeconds: 3 }, source: { roots: ['/ws'], collect: { include: [], exclude: [], maxFileBytes: 1024 } },
  });

  it('starts the job with the run\'s model, output and source; a finished run\'s report is returned and saved', async () => {
    const running = training.run(run(), {});
    assert.equal(training.running, true);
    await assert.rejects(training.run(run(), {}), /already in progress/);
    assert.equal(jobs.length, 1, 'the second request started nothing');
    assert.deepEqual(jobs[0].request, { base: '/storage/gru', fallbackBase: '/defaults/gru', out: run().out, settings: { maxSeconds: 3 }, source: run().source });
    const { result } = sampleReport();
    const collected: CollectSummary = {
      filesSeen: 5, files: 3, redactions: 1, truncated: false,
      skipped: { excluded: 1, gitignored: 0, 'secret-file': 1, binary: 0, 'not-utf8': 0, minified: 0, 'too-large': 0, 'not-prose': 0, empty: 0 },
    };
    jobs[0].end({ status: 'done', result: result as FinetuneResult, collected });
    const end = await running;
    assert.equal(training.running, false);
    assert.deepEqual(end.report, { model: 'gru', result, collected });
    assert.deepEqual(await loadReport(run().reportFile), end.report);
    assert.equal(end.cancelMs, undefined);
  });

  it('a report that cannot be saved is said, and the finished run still returns its outcome', async () => {
    await fs.writeFile(path.join(storage, 'models'), 'a file where the folder would be');
    const running = training.run(run(), {});
    const { result } = sampleReport();
    jobs[0].end({ status: 'done', result: result as FinetuneResult });
    const end = await running;
    assert.equal(end.outcome.status, 'done');
    assert.match(end.reportError ?? '', /ENOTDIR|EEXIST/);
    assert.deepEqual(await fs.readdir(storage), ['models'], 'nothing else written');
  });

  it('cancel asks the job to stop and measures how long it took; nothing is saved; then a new run may start', async () => {
    assert.equal(training.cancel(), false, 'nothing to cancel');
    const running = training.run(run(), {});
    assert.equal(training.cancel(), true);
    training.cancel();
    const end = await running;
    assert.equal(end.outcome.status, 'cancelled');
    assert.ok(end.cancelMs !== undefined && end.cancelMs >= 15, String(end.cancelMs));
    assert.equal(end.report, undefined);
    assert.equal(await loadReport(run().reportFile), undefined);
    const again = training.run(run(), {});
    jobs[1].end({ status: 'failed', inputError: true, message: 'the workspace holds no usable text' });
    assert.deepEqual((await again).outcome, { status: 'failed', inputError: true, message: 'the workspace holds no usable text' });
  });

  it('measures the longest stall of this thread\'s event loop while the job runs', async () => {
    const running = training.run(run(), {});
    await sleep(30);
    const blockedUntil = performance.now() + 120;
    while (performance.now() < blockedUntil) { /* the caller's thread doing synchronous work */ }
    await sleep(30);
    jobs[0].end({ status: 'cancelled' });
    const { longestStallMs } = await running;
    assert.ok(longestStallMs >= 100 && longestStallMs < 1000, `${longestStallMs} ms`);
  });

  it('the stall watch: a free event loop stalls far less than a blocked one', async () => {
    const watch = new EventLoopStallWatch(10);
    await sleep(60);
    const free = watch.stop();
    assert.ok(free >= 0 && free < 100, `${free} ms`);
  });
});
