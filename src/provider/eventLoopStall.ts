/**
 * Measures how long the event loop of this thread (the extension host's) was kept from running: a timer every
 * `intervalMs`, and the longest gap between two ticks beyond the interval. A timer, not perf_hooks'
 * monitorEventLoopDelay, because it measures exactly what a keystroke waiting on this thread would wait.
 */
export class EventLoopStallWatch {
  private longest = 0;
  private last = performance.now();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly intervalMs = 10) {
    this.timer = setInterval(() => {
      const now = performance.now();
      this.longest = Math.max(this.longest, now - this.last - this.intervalMs);
      this.last = now;
    }, intervalMs);
  }

  /** Stops the timer and returns the longest stall seen, in milliseconds (the gap since the last tick counts too). */
  stop(): number {
    clearInterval(this.timer);
    return Math.max(this.longest, performance.now() - this.last - this.intervalMs, 0);
  }
}
