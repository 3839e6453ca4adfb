import type { ValidationPoint } from './trainer';
import type { FinetuneDocument, FinetuneProgress, FinetuneResult, FinetuneSettings } from './finetune';
import type { CollectOptions, CollectResult } from './workspaceFiles';

/** What a fine-tuning job learns from: documents already collected, or workspace folders the worker collects itself. */
export type FinetuneSource =
  | { documents: FinetuneDocument[] }
  | { roots: string[]; collect: Omit<CollectOptions, 'signal'> };

/** The worker's workerData. */
export interface FinetuneJobRequest {
  base: string;
  /** Started from instead when `base` cannot be loaded (FinetuneOptions.fallbackBase). */
  fallbackBase?: string;
  out: string;
  settings?: Partial<FinetuneSettings>;
  source: FinetuneSource;
}

/** What collecting the workspace found (only when the worker collected it). */
export type CollectSummary = Omit<CollectResult, 'documents'> & { files: number };

/** Worker to client. Errors travel as name and message: 'FinetuneInputError' (nothing usable) or another failure. */
export type WorkerMessage =
  | { type: 'collected'; summary: CollectSummary }
  | { type: 'progress'; progress: FinetuneProgress }
  | { type: 'validation'; point: ValidationPoint }
  | { type: 'log'; line: string }
  | { type: 'done'; result: FinetuneResult }
  | { type: 'cancelled' }
  | { type: 'failed'; name: string; message: string };

/** Client to worker. */
export type ClientMessage = { type: 'cancel' };
