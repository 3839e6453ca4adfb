import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { discardStagingOfThread } from '../model/installModel';
import type { FinetuneProgress, FinetuneResult } from './finetune';
import type { ClientMessage, CollectSummary, FinetuneJobRequest, WorkerMessage } from './finetuneMessages';
import type { ValidationPoint } from './trainer';

export type { CollectSummary, FinetuneJobRequest, FinetuneSource } from './finetuneMessages';

export interface FinetuneJobHandlers {
  onCollected?(summary: CollectSummary): void;
  onProgress?(progress: FinetuneProgress): void;
  onValidation?(point: ValidationPoint): void;
  onLog?(line: string): void;
}

/**
 * How a job ended. 'failed' with inputError true means the workspace gave nothing to learn from (the message
 * says what); otherwise something went wrong. Only 'done' with result.kept true wrote a model.
 */
export type FinetuneOutcome =
  | { status: 'done'; result: FinetuneResult; collected?: CollectSummary }
  | { status: 'cancelled' }
  | { status: 'failed'; inputError: boolean; message: string };

export interface FinetuneJob {
  /** Settles once, never rejects. */
  readonly outcome: Promise<FinetuneOutcome>;
  /**
   * Asks the worker to stop; if it has not stopped 750 ms later, it is terminated (safe: nothing is written
   * before the final move into place, and that move is never cut short: a cancel while it runs waits for it),
   * and the outcome settles once what it was building beside the model is removed.
   */
  cancel(): void;
}

/** Time a cancelled worker gets to stop by itself before it is terminated. */
const CANCEL_GRACE_MS = 750;

/**
 * Runs a fine-tuning job in a worker thread (finetuneWorker.js, beside this file in dist/ and in out/), so the
 * caller's thread (the extension host) stays free; progress and the result arrive through the handlers.
 */
export function startFinetuneJob(request: FinetuneJobRequest, handlers: FinetuneJobHandlers = {}, workerScript = path.join(__dirname, 'finetuneWorker.js')): FinetuneJob {
  const worker = new Worker(workerScript, { workerData: request });
  let phase: FinetuneProgress['phase'] | undefined;
  let collected: CollectSummary | undefined;
  let cancelRequested = false;
  let terminateTimer: NodeJS.Timeout | undefined;
  let settle!: (outcome: FinetuneOutcome) => void;
  const outcome = new Promise<FinetuneOutcome>((resolve) => {
    let settled = false;
    settle = (value) => {
      if (settled) return;
      settled = true;
      clearTimeout(terminateTimer);
      resolve(value);
    };
  });

  worker.on('message', (message: WorkerMessage) => {
    switch (message.type) {
      case 'collected': collected = message.summary; handlers.onCollected?.(message.summary); break;
      case 'progress': phase = message.progress.phase; handlers.onProgress?.(message.progress); break;
      case 'validation': handlers.onValidation?.(message.point); break;
      case 'log': handlers.onLog?.(message.line); break;
      case 'done': settle({ status: 'done', result: message.result, collected }); break;
      case 'cancelled': settle({ status: 'cancelled' }); break;
      case 'failed': settle({ status: 'failed', inputError: message.name === 'FinetuneInputError', message: message.message }); break;
    }
  });
  worker.on('error', (error) => settle({ status: 'failed', inputError: false, message: `the fine-tuning worker failed: ${error.message}` }));
  const thread = worker.threadId;
  worker.on('exit', (code) => {
    // A worker terminated in the middle of a run could not remove its staging directory.
    void discardStagingOfThread(request.out, thread).catch(() => undefined).then(() => settle(cancelRequested
      ? { status: 'cancelled' }
      : { status: 'failed', inputError: false, message: `the fine-tuning worker exited (code ${code}) without a result` }));
  });

  return {
    outcome,
    cancel(): void {
      if (cancelRequested) return;
      cancelRequested = true;
      worker.postMessage({ type: 'cancel' } satisfies ClientMessage);
      const terminateUnlessWriting = (): void => {
        if (phase === 'writing') { terminateTimer = setTimeout(terminateUnlessWriting, CANCEL_GRACE_MS); return; }
        void worker.terminate();
      };
      terminateTimer = setTimeout(terminateUnlessWriting, CANCEL_GRACE_MS);
    },
  };
}
