/**
 * Seeded pseudo-random numbers. Training must be reproducible bit for bit from its seed (initialisation,
 * dropout masks, batch order), so nothing in the engine calls Math.random.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    // xorshift-style generators stall on a zero state; mix the seed so seeds 0, 1, 2 ... differ from the start.
    this.state = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0) || 0x6d2b79f5;
  }

  /** Uniform in [0, 1): mulberry32, 32 bits of state, passes the usual statistical batteries for this use. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform in [-limit, limit). */
  uniform(limit: number): number {
    return (this.next() * 2 - 1) * limit;
  }

  /** An index i drawn with probability proportional to cumulative[i] - cumulative[i - 1] (running sums of weights). */
  weighted(cumulative: Float64Array): number {
    const u = this.next() * cumulative[cumulative.length - 1];
    let lo = 0, hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid] <= u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}
