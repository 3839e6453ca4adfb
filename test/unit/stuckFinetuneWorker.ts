// A fine-tuning worker stuck in a synchronous stretch (what a long measurement is to the real one): it stages a
// model directory as finetune() does, says it is training, then never reads the cancel message. For
// finetuneJob.test.ts, which starts it in place of finetuneWorker.js.
import { parentPort, workerData } from 'node:worker_threads';
import { ModelStaging } from '../../src/model/installModel';
import type { FinetuneJobRequest, WorkerMessage } from '../../src/training/finetuneMessages';

void (async () => {
  const staging = await ModelStaging.create((workerData as FinetuneJobRequest).out);
  await import('node:fs').then((fs) => fs.promises.mkdir(staging.path('before')));
  parentPort!.postMessage({ type: 'progress', progress: { phase: 'training', fraction: 0, tokensPerSecond: 0, etaSeconds: Infinity, trainLoss: NaN, heldOutLoss: NaN } } satisfies WorkerMessage);
  for (;;) { /* stuck until terminated */ }
})();
