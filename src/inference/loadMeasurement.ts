import { performance } from 'node:perf_hooks';

export interface Measured<T> {
  value: T;
  milliseconds: number;
  /** Growth of the process's resident set size over the call (0 if it shrank). */
  rssBytes: number;
}

/** Times a runtime's load and the memory it took, for the figures every runtime reports. */
export async function measureLoad<T>(load: () => Promise<T>): Promise<Measured<T>> {
  const rssBefore = process.memoryUsage.rss();
  const started = performance.now();
  const value = await load();
  return {
    value,
    milliseconds: performance.now() - started,
    rssBytes: Math.max(0, process.memoryUsage.rss() - rssBefore),
  };
}
