/**
 * The emulator's clock: wall time plus an offset tests can move forward, so that 24-hour
 * idempotency expiry and time-based operation latency can be tested without waiting.
 */
export class EmulatorClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  iso(at: number = this.now()): string {
    return new Date(at).toISOString();
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
