import { gruCell } from './gru';
import { lstmCell } from './lstm';
import { rnnCell } from './rnn';
import { RecurrentCell } from './cell';

/** Every cell type the engine knows. A new cell type is one file and one line here. */
export const CELLS = {
  lstm: lstmCell,
  gru: gruCell,
  rnn: rnnCell,
} satisfies Record<string, RecurrentCell>;

export type CellType = keyof typeof CELLS;

export function isCellType(name: string): name is CellType {
  return Object.prototype.hasOwnProperty.call(CELLS, name);
}

export type { RecurrentCell } from './cell';
