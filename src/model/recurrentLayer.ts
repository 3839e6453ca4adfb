import { Kernels } from './kernels/kernels';
import { ParameterSet, Tensor } from './parameters';
import { RecurrentCell } from './cells';

/**
 * One recurrent layer run over a chunk of T time steps for a batch of B independent streams.
 * Rows are time-major: row t·B + b is stream b at step t.
 *
 * Forward:  XP = X·Wᵀ + Wb                       [T·B × G·H]  (one large product for the whole chunk)
 *           for t: HP_t = h_{t-1}·Rᵀ + Rb        [B × G·H]
 *                  (h_t, c_t) = cell(XP_t, HP_t, state_{t-1})
 * Backward: for t = T-1 … 0: cell backward → dXP_t, dHP_t;  dh_{t-1} += dHP_t·R
 *           dR += dHPᵀ·H_prev,  dW += dXPᵀ·X,  dX = dXP·W   (again one product each for the whole chunk)
 * Gradients stop at the chunk's first step (truncated backpropagation through time); the state itself is
 * carried to the next chunk by carryState().
 */
export class RecurrentLayer {
  readonly hidden: number;
  private readonly gateWidth: number;
  private readonly W: Tensor;
  private readonly R: Tensor;
  private readonly B: Tensor;
  /** states[k] holds state kind k for steps 0..T: [(T+1)·B × H], step 0 is the initial state. */
  private readonly states: Float32Array[];
  private readonly xp: Float32Array;
  private readonly hp: Float32Array;
  private readonly cache: Float32Array;
  private readonly dxp: Float32Array;
  private readonly dhp: Float32Array;
  private readonly dState: Float32Array[];
  private readonly dPrev: Float32Array[];
  private readonly dx: Float32Array;
  private input: Float32Array | undefined;
  private stepsRun = 0;

  constructor(
    private readonly kernels: Kernels,
    private readonly cell: RecurrentCell,
    params: ParameterSet,
    index: number,
    private readonly inputSize: number,
    private readonly batch: number,
    private readonly maxSteps: number,
    withGradients: boolean,
  ) {
    this.W = params.get(`layer${index}.W`);
    this.R = params.get(`layer${index}.R`);
    this.B = params.get(`layer${index}.B`);
    this.hidden = this.R.shape[1];
    this.gateWidth = cell.gateCount * this.hidden;
    const rows = batch * maxSteps;
    const stateSize = batch * this.hidden;
    this.states = cell.stateNames.map(() => kernels.alloc((maxSteps + 1) * stateSize));
    this.xp = kernels.alloc(rows * this.gateWidth);
    this.hp = kernels.alloc(rows * this.gateWidth);
    this.cache = kernels.alloc(rows * cell.cacheWidth * this.hidden);
    const gradRows = withGradients ? rows : 0;
    this.dxp = kernels.alloc(gradRows * this.gateWidth);
    this.dhp = kernels.alloc(gradRows * this.gateWidth);
    this.dx = kernels.alloc(gradRows * inputSize);
    this.dState = cell.stateNames.map(() => kernels.alloc(withGradients ? stateSize : 0));
    this.dPrev = cell.stateNames.map(() => kernels.alloc(withGradients ? stateSize : 0));
  }

  /** x: [steps·B × input]. Returns h for steps 1..steps: [steps·B × H] (a view, valid until the next forward). */
  forward(x: Float32Array, steps: number): Float32Array {
    const { kernels, batch: B, hidden: H, gateWidth: GH } = this;
    if (steps > this.maxSteps) throw new Error(`chunk of ${steps} steps exceeds the layer's ${this.maxSteps}`);
    this.input = x;
    this.stepsRun = steps;
    const rows = steps * B;
    const xp = this.xp.subarray(0, rows * GH);
    kernels.gemm(false, true, rows, GH, this.inputSize, x, this.W.value, xp, 0);
    kernels.addBiasRows(xp, this.B.value.subarray(0, GH), rows, GH);
    const recurrentBias = this.B.value.subarray(GH, 2 * GH);
    for (let t = 0; t < steps; t++) {
      const hp = this.hp.subarray(t * B * GH, (t + 1) * B * GH);
      kernels.gemm(false, true, B, GH, H, this.stateAt(0, t), this.R.value, hp, 0);
      kernels.addBiasRows(hp, recurrentBias, B, GH);
      this.cell.forwardWith(kernels, {
        batch: B,
        hidden: H,
        xp: this.xp.subarray(t * B * GH, (t + 1) * B * GH),
        hp,
        prev: this.states.map((_, k) => this.stateAt(k, t)),
        next: this.states.map((_, k) => this.stateAt(k, t + 1)),
        cache: this.cacheAt(t),
      });
    }
    return this.states[0].subarray(B * H, (steps + 1) * B * H);
  }

  /**
   * dy: dL/dh for the steps of the last forward, [steps·B × H]. Accumulates parameter gradients and
   * returns dL/dx [steps·B × input] (a view, valid until the next backward).
   */
  backward(dy: Float32Array): Float32Array {
    const { kernels, batch: B, hidden: H, gateWidth: GH, stepsRun: steps } = this;
    const x = this.input;
    if (!x) throw new Error('backward before forward');
    for (const d of this.dState) d.fill(0);
    for (let t = steps - 1; t >= 0; t--) {
      const dh = this.dState[0];
      const dyT = dy.subarray(t * B * H, (t + 1) * B * H);
      for (let s = 0; s < B * H; s++) dh[s] += dyT[s];
      const dhpT = this.dhp.subarray(t * B * GH, (t + 1) * B * GH);
      this.cell.backwardWith(kernels, {
        batch: B,
        hidden: H,
        xp: this.xp.subarray(t * B * GH, (t + 1) * B * GH),
        hp: this.hp.subarray(t * B * GH, (t + 1) * B * GH),
        prev: this.states.map((_, k) => this.stateAt(k, t)),
        next: this.states.map((_, k) => this.stateAt(k, t + 1)),
        cache: this.cacheAt(t),
        dNext: this.dState,
        dxp: this.dxp.subarray(t * B * GH, (t + 1) * B * GH),
        dhp: dhpT,
        dPrev: this.dPrev,
      });
      // dh_{t-1} = (direct path through the cell) + dHP_t·R
      kernels.gemm(false, false, B, H, GH, dhpT, this.R.value, this.dPrev[0], 1);
      for (let k = 0; k < this.dState.length; k++) this.dState[k].set(this.dPrev[k]);
    }
    const rows = steps * B;
    const dxp = this.dxp.subarray(0, rows * GH);
    const dhp = this.dhp.subarray(0, rows * GH);
    const hPrev = this.states[0].subarray(0, rows * H); // h_{t-1} for t = 0 … steps-1
    kernels.gemm(true, false, GH, H, rows, dhp, hPrev, this.R.grad, 1);
    kernels.gemm(true, false, GH, this.inputSize, rows, dxp, x, this.W.grad, 1);
    kernels.sumRowsInto(this.B.grad.subarray(0, GH), dxp, rows, GH);
    kernels.sumRowsInto(this.B.grad.subarray(GH, 2 * GH), dhp, rows, GH);
    const dx = this.dx.subarray(0, rows * this.inputSize);
    kernels.gemm(false, false, rows, this.inputSize, GH, dxp, this.W.value, dx, 0);
    return dx;
  }

  /** Makes the state after the last forward the initial state of the next one (the chunk boundary of TBPTT). */
  carryState(): void {
    for (let k = 0; k < this.states.length; k++) {
      this.stateAt(k, 0).set(this.stateAt(k, this.stepsRun));
    }
  }

  /** The initial state of state kind k (read or write it to restore a cached state): [B × H]. */
  initialState(k: number): Float32Array {
    return this.stateAt(k, 0);
  }

  /** The state of kind k after the last forward: [B × H]. */
  finalState(k: number): Float32Array {
    return this.stateAt(k, this.stepsRun);
  }

  resetState(): void {
    for (let k = 0; k < this.states.length; k++) this.stateAt(k, 0).fill(0);
  }

  private stateAt(k: number, t: number): Float32Array {
    const size = this.batch * this.hidden;
    return this.states[k].subarray(t * size, (t + 1) * size);
  }

  private cacheAt(t: number): Float32Array {
    const size = this.batch * this.cell.cacheWidth * this.hidden;
    return this.cache.subarray(t * size, (t + 1) * size);
  }
}
