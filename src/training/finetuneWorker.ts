import { parentPort, workerData } from 'node:worker_threads';
import { finetune, FinetuneCancelledError, FinetuneDocument, FinetuneInputError } from './finetune';
import { ClientMessage, FinetuneJobRequest, WorkerMessage } from './finetuneMessages';
import { collectWorkspace } from './workspaceFiles';

/**
 * The worker thread of a fine-tuning job (bundled as dist/finetuneWorker.js; started by finetuneJob.ts): runs
 * collectWorkspace and finetune off the extension host's thread, relays their hooks as messages, and turns a
 * 'cancel' message into an abort (the trainer and the measurements let the event loop run every 50 ms for it).
 */
const port = parentPort;
if (!port) throw new Error('finetuneWorker.js runs as a worker thread (see finetuneJob.ts)');
const post = (message: WorkerMessage) => port.postMessage(message);
const controller = new AbortController();
port.on('message', (message: ClientMessage) => {
  if (message.type === 'cancel') controller.abort();
});

async function run(request: FinetuneJobRequest): Promise<void> {
  let documents: FinetuneDocument[];
  if ('documents' in request.source) {
    documents = request.source.documents;
  } else {
    const collected = await collectWorkspace(request.source.roots, { ...request.source.collect, signal: controller.signal });
    const { documents: found, ...summary } = collected;
    post({ type: 'collected', summary: { ...summary, files: found.length } });
    documents = found;
  }
  const result = await finetune(request.base, documents, { ...request.settings, out: request.out, fallbackBase: request.fallbackBase }, {
    signal: controller.signal,
    onProgress: (progress) => post({ type: 'progress', progress }),
    onValidation: (point) => post({ type: 'validation', point }),
    onLog: (line) => post({ type: 'log', line }),
  });
  post({ type: 'done', result });
}

run(workerData as FinetuneJobRequest).then(
  () => port.close(),
  (error: unknown) => {
    if (error instanceof FinetuneCancelledError || controller.signal.aborted) post({ type: 'cancelled' });
    else if (error instanceof FinetuneInputError) post({ type: 'failed', name: error.name, message: error.message });
    else post({ type: 'failed', name: error instanceof Error ? error.name : 'Error', message: error instanceof Error ? error.message : String(error) });
    port.close();
  },
);
