/** Called after the clock jumped, with the new offset (virtual − real, in ms). */
export type ClockListener = (offsetMs: number) => void;

/**
 * The emulated platform's clock: real time plus an offset that only grows. Between jumps it runs
 * at real speed, so I/O takes the time it takes; the scheduler jumps it over the stretches in
 * which everything is only waiting. Every emulated function sees the same time (see
 * `local/runtime/child/virtual-time.cjs`).
 */
export class VirtualClock {
  private offsetMs: number;
  private readonly listeners = new Set<ClockListener>();

  /** @param start the virtual time now. @default the real time now */
  constructor(start: number = Date.now()) {
    this.offsetMs = start - Date.now();
  }

  /** The virtual time, in ms since the epoch. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Virtual − real, in ms. */
  get offset(): number {
    return this.offsetMs;
  }

  /** Moves the clock forward to `time`; a time already passed changes nothing. */
  jumpTo(time: number): void {
    const delta = time - this.now();
    if (delta <= 0) return;
    this.offsetMs += delta;
    for (const listener of this.listeners) listener(this.offsetMs);
  }

  /** Calls `listener` after every jump; returns the function that stops it. */
  onJump(listener: ClockListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
