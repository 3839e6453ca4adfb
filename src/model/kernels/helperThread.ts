import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { WasmMemory, WasmModule } from './wasmApi';

// A second thread that runs one exported wasm function at a time on the shared memory, so the caller can hand
// it part of a large operation and compute the rest itself. Jobs are posted through a control block in that
// memory and synchronised with Atomics: no message passing or allocation per job.
//
// On a busy machine the helper may wake up late. The caller therefore never waits for a helper that has not
// started: each job is open until one side takes it (compare-and-exchange on JOB_STATE); if the caller
// finishes its own part first, it takes the job back and runs the helper's part itself.

/** Int32 slots of the control block. */
const REQUEST = 0; // sequence number of the latest job posted
const DONE = 1; // sequence number of the latest job the helper finished
const FUNCTION = 2; // index into the function list, or QUIT
const FAILED = 3; // 1 when the helper's latest job threw
const JOB_STATE = 4; // open(sequence) while nobody has taken the job, taken(sequence) once the helper has
const SHARED_COUNTER = 5; // free for the job to coordinate work between the threads (gemmShared's claims)
const QUIT = -1;
const INT_SLOTS = 6;
const open = (sequence: number): number => 2 * sequence;
const taken = (sequence: number): number => 2 * sequence + 1;
const RETRACTED = -1;
/** Float64 slots after the int slots: arguments, then the return value. */
const ARGUMENTS_OFFSET_BYTES = 24;
export const MAX_ARGUMENTS = 15;
const RESULT = MAX_ARGUMENTS;
export const CONTROL_BLOCK_BYTES = ARGUMENTS_OFFSET_BYTES + (MAX_ARGUMENTS + 1) * 8;
/** Keeps 2·sequence + 1 inside int32. */
const MAX_SEQUENCE = 0x3fffffff;

const argumentList = Array.from({ length: MAX_ARGUMENTS }, (_, i) => `args[${i}]`).join(', ');

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
    // Fails when the caller has already taken the job back (or a newer one is being posted).
    if (Atomics.compareExchange(control, ${JOB_STATE}, 2 * request, 2 * request + 1) !== 2 * request) continue;
    const index = control[${FUNCTION}];
    if (index === ${QUIT}) break;
    try {
      args[${RESULT}] = functions[index](${argumentList}) ?? 0;
      control[${FAILED}] = 0;
    } catch (error) {
      control[${FAILED}] = 1;
      errorPort.postMessage(String((error && error.stack) || error));
    }
    Atomics.store(control, ${DONE}, request);
    Atomics.notify(control, ${DONE});
  }
});
`;

type WasmFunction = (...args: number[]) => number | undefined;

export class HelperThread {
  private readonly control: Int32Array;
  /** Arguments of the next job; the caller fills them before run(). */
  readonly args: Float64Array;
  /** Byte address of an int32 that is zero when a job starts, for the threads to share out work. */
  readonly sharedCounterAddress: number;
  private sequence = 0;
  private worker: Worker | undefined;

  private constructor(
    worker: Worker,
    private readonly errorPort: MessagePort,
    memory: WasmMemory,
    controlAddress: number,
    /** The same functions as the helper's, from the caller's instance, to run a job the helper did not take. */
    private readonly functions: readonly WasmFunction[],
  ) {
    this.worker = worker;
    this.control = new Int32Array(memory.buffer, controlAddress, INT_SLOTS);
    this.args = new Float64Array(memory.buffer, controlAddress + ARGUMENTS_OFFSET_BYTES, MAX_ARGUMENTS + 1);
    this.sharedCounterAddress = controlAddress + SHARED_COUNTER * 4;
  }

  /**
   * controlAddress: CONTROL_BLOCK_BYTES of zeroed, 8-byte-aligned shared memory reserved for this thread.
   * functionNames: the exports the helper can run (by index), found in callerExports too.
   */
  static async start(
    module: WasmModule,
    memory: WasmMemory,
    controlAddress: number,
    functionNames: readonly string[],
    callerExports: Record<string, unknown>,
  ): Promise<HelperThread> {
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
    const functions = functionNames.map((name) => callerExports[name] as WasmFunction);
    const helper = new HelperThread(worker, port1, memory, controlAddress, functions);
    // A helper that dies (out of memory, say) must not take the process with it: the caller goes on alone.
    worker.on('error', () => helper.dispose());
    worker.on('exit', () => helper.dispose());
    return helper;
  }

  /**
   * Offers function functionIndex with this.args to the helper while ownPart runs on the calling thread, and
   * returns ownPart's result plus the helper part's (0 for functions without a result). The helper part runs
   * on the helper if it takes the job before ownPart is done, otherwise afterwards on the calling thread.
   */
  run(functionIndex: number, ownPart: () => number): number {
    if (!this.worker) return ownPart() + this.runHelperPartHere(functionIndex);
    this.sequence = (this.sequence % MAX_SEQUENCE) + 1;
    const sequence = this.sequence;
    this.control[FUNCTION] = functionIndex;
    this.control[SHARED_COUNTER] = 0;
    Atomics.store(this.control, JOB_STATE, open(sequence));
    Atomics.store(this.control, REQUEST, sequence);
    Atomics.notify(this.control, REQUEST);
    let own: number;
    try {
      own = ownPart();
    } finally {
      if (Atomics.compareExchange(this.control, JOB_STATE, open(sequence), RETRACTED) === taken(sequence)) this.waitFor(sequence);
    }
    if (this.control[JOB_STATE] === RETRACTED) return own + this.runHelperPartHere(functionIndex);
    if (this.control[FAILED] !== 0) {
      const message = receiveMessageOnPort(this.errorPort)?.message as string | undefined;
      throw new Error(`wasm kernel helper thread failed: ${message ?? 'unknown error'}`);
    }
    return own + this.args[RESULT];
  }

  private runHelperPartHere(functionIndex: number): number {
    return this.functions[functionIndex](...this.args.subarray(0, MAX_ARGUMENTS)) ?? 0;
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
    this.sequence = (this.sequence % MAX_SEQUENCE) + 1;
    this.control[FUNCTION] = QUIT;
    Atomics.store(this.control, JOB_STATE, open(this.sequence));
    Atomics.store(this.control, REQUEST, this.sequence);
    Atomics.notify(this.control, REQUEST);
    void worker.terminate();
    this.errorPort.close();
  }
}
