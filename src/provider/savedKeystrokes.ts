/** Where the counts live (the extension's globalState: on this machine only, never synced or sent anywhere). */
export interface CountStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export interface SavedCounts {
  /** The local calendar day `today` counts, as YYYY-MM-DD. */
  day: string;
  today: number;
  total: number;
  acceptsToday: number;
  acceptsTotal: number;
}

export const SAVED_KEYSTROKES_KEY = 'smartCompose.savedKeystrokes';

/**
 * Keystrokes an accepted suggestion saved: the characters it inserted, less the one keystroke (Tab) that
 * accepted it, as keystroke savings are measured offline (src/evaluation/keystrokes.ts).
 */
export function keystrokesSaved(insertedText: string): number {
  return Math.max(0, [...insertedText].length - 1);
}

export function localDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Counts of accepted suggestions and the keystrokes they saved, today and overall, kept in a CountStore. */
export class SavedKeystrokes {
  constructor(private readonly store: CountStore, private readonly now: () => Date = () => new Date()) {}

  /** The counts as of now ("today" restarts at local midnight); stored values that are not counts read as zero. */
  counts(): SavedCounts {
    const stored = this.store.get<Partial<SavedCounts>>(SAVED_KEYSTROKES_KEY);
    const count = (value: unknown) => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : 0);
    const day = localDay(this.now());
    const sameDay = stored?.day === day;
    return {
      day,
      today: sameDay ? count(stored?.today) : 0,
      total: count(stored?.total),
      acceptsToday: sameDay ? count(stored?.acceptsToday) : 0,
      acceptsTotal: count(stored?.acceptsTotal),
    };
  }

  async accepted(saved: number): Promise<SavedCounts> {
    const add = Number.isSafeInteger(saved) && saved > 0 ? saved : 0;
    const before = this.counts();
    const after: SavedCounts = {
      day: before.day,
      today: before.today + add,
      total: before.total + add,
      acceptsToday: before.acceptsToday + 1,
      acceptsTotal: before.acceptsTotal + 1,
    };
    await this.store.update(SAVED_KEYSTROKES_KEY, after);
    return after;
  }
}
