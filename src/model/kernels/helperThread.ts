import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { WasmMemory, WasmModule } from './wasmApi';

// A second thread that runs one exported wasm function at a time on the shared memory, so the caller can hand
// it half of a large operation and compute the other half itself. Jobs are posted through a control block in
// that memory and synchronised with Atomics.wait/notify: no message passing or allocation per job.

/** Int32 slots of the control block. */
const REQUEST = 0; // sequence number of the latest job posted
const DONE = 1; // sequence number of the latest job finished
const FUNCTION = 2; // index into the function list, or QUIT
const FAILED = 3; // 1 when the latest job threw
const QUIT = -1;
const INT_SLOTS = 4;
/** Float64 slots after the int slots: arguments, then the return value. */
const ARGUMENTS_OFFSET_BYTES = 16;
export const MAX_ARGUMENTS = 13;
const RESULT = MAX_ARGUMENTS;
export const CONTROL_BLOCK_BYTES = ARGUMENTS_OFFSET_BYTES + (MAX_ARGUMENTS + 1) * 8;

// Runs in the worker: plain JS, self-contained, so it needs no file next to whichever bundle loaded the kernels.
const workerSource = `
const { workerData, parentPort } = require('node:worker_threads');
const { module, memory, controlAddress, functionNames, errorPort } = workerData;
WebAssembly.instantiate(module, { env: { memory } }).then((instance) => {
  const functions = functionNames.map((name) => instance.exports[name]);
  const control = new Int32Array(memory.buffer, controlAddress, ${INT_SLOTS});
  const args = new Float64Array(memory.buffer, controlAddress + ${ARGUMENTS_OFFSET_BYTES}, ${MAX_ARGUMENTS + 1});
  parentPort.postMessage('ready');
  let seen = 0; // the control block starts zeroed; a job may already be posted by now
  for (;;) {
    Atomics.wait(control, ${REQUEST}, seen);
    const request = Atomics.load(control, ${REQUEST});
    if (request === seen) continue;
    seen = request;
    const index = control[${FUNCTION}];
    if (index === ${QUIT}) break;
    try {
      args[${RESULT}] = functions[index](${Array.from({ length: MAX_ARGUMENTS }, (_, i) => `args[${i}]`).join(', ')}) ?? 0;
      control[${FAILED}] = 0;
    } catch (error) {
      control[${FAILED}] = 1;
      errorPort.postMessage(String((error && error.stack) || error));
    }
    Atomics.store(control, ${DONE}, seen);
    Atomics.notify(control, ${DONE});
  }
});
`;

export class HelperThread {
  private readonly control: Int32Array;
  /** Arguments of the next job; the caller fills them before run(). */
  readonly args: Float64Array;
  private sequence = 0;
  private worker: Worker | undefined;

  private constructor(
    worker: Worker,
    private readonly errorPort: MessagePort,
    memory: WasmMemory,
    controlAddress: number,
  ) {
    this.worker = worker;
    this.control = new Int32Array(memory.buffer, controlAddress, INT_SLOTS);
    this.args = new Float64Array(memory.buffer, controlAddress + ARGUMENTS_OFFSET_BYTES, MAX_ARGUMENTS + 1);
  }

  /** controlAddress: CONTROL_BLOCK_BYTES of zeroed, 8-byte-aligned shared memory reserved for this thread. */
  static async start(module: WasmModule, memory: WasmMemory, controlAddress: number, functionNames: readonly string[]): Promise<HelperThread> {
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(workerSource, {
      eval: true,
      workerData: { module, memory, controlAddress, functionNames, errorPort: port2 },
      transferList: [port2],
    });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`kernel helper thread exited during start-up (code ${code})`)));
    });
    worker.removeAllListeners();
    // Neither an idle helper nor its error channel may keep the process alive.
    worker.unref();
    port1.unref();
    return new HelperThread(worker, port1, memory, controlAddress);
  }

  /**
   * Runs function functionIndex with this.args on the helper while ownPart runs on the calling thread;
   * returns ownPart's result plus the helper's (the helper's part returns 0 for functions without a result).
   */
  run(functionIndex: number, ownPart: () => number): number {
    this.control[FUNCTION] = functionIndex;
    const sequence = ++this.sequence;
    Atomics.store(this.control, REQUEST, sequence);
    Atomics.notify(this.control, REQUEST);
    let own: number;
    try {
      own = ownPart();
    } finally {
      this.waitFor(sequence);
    }
    if (this.control[FAILED] !== 0) {
      const message = receiveMessageOnPort(this.errorPort)?.message as string | undefined;
      throw new Error(`wasm kernel helper thread failed: ${message ?? 'unknown error'}`);
    }
    return own + this.args[RESULT];
  }

  private waitFor(sequence: number): void {
    for (;;) {
      const done = Atomics.load(this.control, DONE);
      if (done === sequence) return;
      Atomics.wait(this.control, DONE, done);
    }
  }

  dispose(): void {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    this.control[FUNCTION] = QUIT;
    Atomics.store(this.control, REQUEST, ++this.sequence);
    Atomics.notify(this.control, REQUEST);
    void worker.terminate();
    this.errorPort.close();
  }
}
