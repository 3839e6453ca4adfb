import type { Kernels } from '../kernels/kernels';

/**
 * One recurrent cell type: its gate equations, forward beside backward, for one time step of a batch.
 *
 * The layer (recurrentLayer.ts) does the matrix products for all cells alike; a cell only sees their results:
 *   xp = W x_t + Wb      [B × G·H]   input projection, gate-major columns (gate g at columns g·H .. g·H+H)
 *   hp = R h_{t-1} + Rb  [B × G·H]   recurrent projection, same layout
 * and turns them into the new state. Keeping xp and hp apart is what lets the GRU apply its reset gate to the
 * recurrent part only (linear_before_reset = 1, as ONNX and cuDNN define it).
 */
export interface CellStep {
  /** B rows, H units. */
  readonly batch: number;
  readonly hidden: number;
  readonly xp: Float32Array;
  readonly hp: Float32Array;
  /** State at t-1, one [B × H] array per state kind (LSTM: h, c; GRU: h). */
  readonly prev: readonly Float32Array[];
  /** State at t, written by forward. */
  readonly next: readonly Float32Array[];
  /** [B × cacheWidth·H]: what forward saves for backward (gate activations). */
  readonly cache: Float32Array;
}

export interface CellGradients extends CellStep {
  /** dL/d(state at t), per state kind: [B × H] each (read). */
  readonly dNext: readonly Float32Array[];
  /** dL/d(xp) and dL/d(hp): [B × G·H] each (written). */
  readonly dxp: Float32Array;
  readonly dhp: Float32Array;
  /** dL/d(state at t-1) through the cell's own pointwise path, excluding the R·h path (written). */
  readonly dPrev: readonly Float32Array[];
}

export interface RecurrentCell {
  /** G: W and R have G·H rows. */
  readonly gateCount: number;
  /** State kinds carried from step to step; the first is always h, the layer's output. */
  readonly stateNames: readonly string[];
  /** Floats per unit that forward caches for backward. */
  readonly cacheWidth: number;
  /** The ONNX operator that computes this cell with the same weight layout (export copies, never shuffles). */
  readonly onnxOperator: 'LSTM' | 'GRU' | 'RNN';
  /** The equations in plain TypeScript: the reference, and what the TypeScript kernels run. */
  forward(step: CellStep): void;
  backward(step: CellGradients): void;
  /** The same step through the numeric kernels (the wasm kernels run LSTM and GRU steps in SIMD). */
  forwardWith(kernels: Kernels, step: CellStep): void;
  backwardWith(kernels: Kernels, step: CellGradients): void;
  /** Sets biases that the equations want away from zero at the start of training (B = [Wb ; Rb], 2·G·H). */
  initBias(bias: Float32Array, hidden: number): void;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
