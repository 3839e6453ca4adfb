import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { TrainingReport } from '../training/report/trainingReport';
import { writeFileAtomic } from '../util/atomicWrite';

/**
 * The last training report kept as JSON in the workspace's storage, so that Show Training Report still has it
 * after a reload. Losses that are not numbers (step 0 has no training loss yet; NaN and Infinity have no JSON form)
 * are written as { "nonFinite": "NaN" } and read back as numbers.
 */
const FORMAT = 1;

interface SavedReportFile {
  format: number;
  report: TrainingReport;
}

export async function saveReport(file: string, report: TrainingReport): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const saved: SavedReportFile = { format: FORMAT, report };
  await writeFileAtomic(file, JSON.stringify(saved, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? { nonFinite: String(value) } : value)));
}

/** The saved report; undefined when there is none. Throws with the file's name when it is unreadable or not a report. */
export async function loadReport(file: string): Promise<TrainingReport | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let saved: Partial<SavedReportFile>;
  try {
    saved = JSON.parse(text, (_key, value: unknown) => (isNonFinite(value) ? Number(value.nonFinite) : value)) as Partial<SavedReportFile>;
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (saved.format !== FORMAT) throw new Error(`${file} has format ${String(saved.format)}, not ${FORMAT}`);
  const report = saved.report;
  if (typeof report?.model !== 'string' || !Array.isArray(report.result?.training?.history) || typeof report.result.before?.perplexity !== 'number') {
    throw new Error(`${file} does not hold a training report`);
  }
  return report;
}

function isNonFinite(value: unknown): value is { nonFinite: string } {
  if (typeof value !== 'object' || value === null) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === 'nonFinite' && ['NaN', 'Infinity', '-Infinity'].includes(String((value as { nonFinite: unknown }).nonFinite));
}
