import { ModelStatus } from './modelSlot';
import { SavedCounts } from './savedKeystrokes';

export interface StatusBarState {
  enabled: boolean;
  /** The chosen model's label (LSTM, GRU). */
  model: string;
  status: ModelStatus;
  /** The label of the model suggesting in its place, when the chosen one failed and its fallback loaded. */
  usedInstead?: string;
  saved: SavedCounts;
  /** Percent done of a Train on Workspace run in progress. */
  trainingPercent?: number;
}

export interface StatusBarView {
  text: string;
  tooltip: string;
}

const count = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, one: string, many: string) => `${count(n)} ${n === 1 ? one : many}`;

/** The status bar item's text (icon and model) and tooltip (state, keystrokes saved, what a click does). */
export function statusBarView(state: StatusBarState): StatusBarView {
  const { enabled, model, status, usedInstead, saved, trainingPercent } = state;
  const training = trainingPercent !== undefined ? ` training ${trainingPercent}%` : '';
  const icon = trainingPercent !== undefined ? '$(sync~spin)' : !enabled ? '$(circle-slash)' : status === 'loading' ? '$(loading~spin)' : status === 'error' ? '$(error)' : usedInstead ? '$(warning)' : '$(sparkle)';
  const shown = usedInstead ?? model;
  const condition = !enabled ? 'off'
    : status === 'idle' ? 'loads on first use'
      : usedInstead && status === 'ready' ? `ready (the ${model} model could not be loaded)`
        : status;
  const tooltip = [
    `Smart Compose: ${shown} model, ${condition}.`,
    ...(trainingPercent !== undefined ? [`Training on this workspace: ${trainingPercent}% (the current model suggests until the new one is ready).`] : []),
    `Keystrokes saved today: ${count(saved.today)} (${plural(saved.acceptsToday, 'accepted suggestion', 'accepted suggestions')}); ` +
      `overall: ${count(saved.total)} (${plural(saved.acceptsTotal, 'accepted suggestion', 'accepted suggestions')}). Counted on this machine only.`,
    'Click to choose the model or turn suggestions on or off.',
  ].join('\n');
  return { text: `${icon} ${shown}${training}`, tooltip };
}
