import type { VirtualClock } from '../clock/virtual-clock';
import type { FunctionRunner, InvocationInProgress } from '../runtime/function-runner';

/** Something due at a virtual time. */
interface Timed {
  readonly at: number;
  readonly seq: number;
  readonly name: string;
  readonly action: () => void | Promise<void>;
  cancelled: boolean;
}

/** A scheduled action that can be called off. */
export interface ScheduledAction {
  cancel(): void;
}

/** An action that failed inside the driver (a bug or a broken emulator, never a function's error). */
export interface DriverError {
  readonly at: number;
  readonly name: string;
  readonly error: unknown;
}

// Real milliseconds to wait before asking again while something works in real time: short at
// first (most calls answer within milliseconds), longer while a slow one runs.
const BUSY_POLL_MS = [1, 2, 4, 8, 16, 25];

/**
 * The platform's event loop on the virtual clock: actions due at virtual times (schedules,
 * alarm evaluations, deliveries, retries, world changes), and the rule for moving time. Time
 * jumps only when every running invocation is waiting on a timer and the driver has no work in
 * flight; otherwise it runs at real speed. So a scenario of an hour runs in seconds, and the
 * functions never see time move under an I/O call.
 */
export class Scheduler {
  private queue: Timed[] = [];
  private seq = 0;
  private readonly inFlight = new Set<Promise<unknown>>();
  readonly errors: DriverError[] = [];

  constructor(
    readonly clock: VirtualClock,
    private readonly runner: FunctionRunner,
  ) {}

  /** Runs `action` at virtual time `at` (or as soon as possible if it has passed). */
  at(at: number, name: string, action: () => void | Promise<void>): ScheduledAction {
    const timed: Timed = { at, seq: this.seq++, name, action, cancelled: false };
    this.queue.push(timed);
    this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
    return {
      cancel: () => {
        timed.cancelled = true;
      },
    };
  }

  /** Runs `action` after `delayMs` of virtual time. */
  after(delayMs: number, name: string, action: () => void | Promise<void>): ScheduledAction {
    return this.at(this.clock.now() + delayMs, name, action);
  }

  /** Runs `action` at `first`, then every `periodMs`, until cancelled. */
  every(
    first: number,
    periodMs: number,
    name: string,
    action: (at: number) => void | Promise<void>,
  ): ScheduledAction {
    let current: ScheduledAction | undefined;
    let stopped = false;
    const schedule = (at: number) => {
      current = this.at(at, name, () => {
        if (stopped) return;
        schedule(at + periodMs);
        return action(at);
      });
    };
    schedule(first);
    return {
      cancel: () => {
        stopped = true;
        current?.cancel();
      },
    };
  }

  /** Counts `work` as driver work in flight: time does not jump until it settles. */
  track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const done = () => this.inFlight.delete(work);
    work.then(done, done);
    return work;
  }

  /** Virtual time of the next action due, or Infinity. */
  private nextDue(): number {
    this.queue = this.queue.filter((timed) => !timed.cancelled);
    return this.queue[0]?.at ?? Number.POSITIVE_INFINITY;
  }

  private fireDue(): boolean {
    const now = this.clock.now();
    let fired = false;
    while (this.nextDue() <= now) {
      const timed = this.queue.shift()!;
      fired = true;
      try {
        const result = timed.action();
        if (result instanceof Promise) {
          this.track(
            result.catch((error: unknown) => this.errors.push({ at: now, name: timed.name, error })),
          );
        }
      } catch (error) {
        this.errors.push({ at: now, name: timed.name, error });
      }
    }
    return fired;
  }

  /**
   * Runs the platform until virtual time `until`, then until the invocations and driver work in
   * progress at that moment have finished (an invocation started at `until` completes, as a test
   * expects). Meanwhile the platform goes on as it would, schedules included; what starts after
   * `until` is not waited for, since runs outliving their period (a health run checks the next
   * period) would otherwise always leave one more to wait for.
   */
  async runUntil(until: number): Promise<void> {
    let waits = 0;
    const wait = () => delay(BUSY_POLL_MS[Math.min(waits++, BUSY_POLL_MS.length - 1)]!);
    let draining: { work: Promise<unknown>[]; invocations: readonly InvocationInProgress[] } | undefined;
    for (;;) {
      if (this.fireDue()) {
        waits = 0;
        await settleMicrotasks();
        continue;
      }
      const now = this.clock.now();
      if (now >= until) {
        draining ??= { work: [...this.inFlight], invocations: this.runner.invocationsInProgress() };
        const drained =
          draining.work.every((work) => !this.inFlight.has(work)) &&
          draining.invocations.every((invocation) => !this.runner.isInProgress(invocation));
        if (drained) return;
      }
      const busy = this.inFlight.size > 0 || this.runner.active;
      if (this.inFlight.size > 0) {
        await Promise.race([...this.inFlight, wait()]);
        continue;
      }
      // Never past `until` before it is reached, so what is in progress there is known.
      let target = Math.min(this.nextDue(), now < until || !busy ? until : Number.POSITIVE_INFINITY);
      if (this.runner.active) {
        const quiet = await this.runner.quiescence();
        if (!quiet || this.inFlight.size > 0) {
          if (quiet) this.runner.resume();
          await wait();
          continue;
        }
        target = Math.min(target, quiet.nextDue);
        if (target <= this.clock.now()) {
          this.runner.resume();
          await wait();
          continue;
        }
        waits = 0;
        this.clock.jumpTo(target);
        this.runner.advance();
        continue;
      }
      if (!Number.isFinite(target)) return;
      if (target <= now) {
        // An invocation between its environment and its record: a moment of real time.
        await wait();
        continue;
      }
      waits = 0;
      this.clock.jumpTo(target);
    }
  }

  /** Runs for `durationMs` of virtual time from now. */
  runFor(durationMs: number): Promise<void> {
    return this.runUntil(this.clock.now() + durationMs);
  }

  /**
   * Runs the platform live until `stopped()` says so: actions fire when they are due and the
   * functions' timers run in real time. With `speed` above 1, the clock also moves ahead by
   * `(speed − 1)` × the real time that passed while nothing ran (no invocation, no driver work),
   * never past the next action due; while something runs, time runs at real speed, so I/O never
   * sees it jump.
   * @param speed virtual seconds per real second while idle. @default 1
   */
  async runLive(stopped: () => boolean, speed = 1): Promise<void> {
    let last = Date.now();
    while (!stopped()) {
      if (this.fireDue()) await settleMicrotasks();
      const real = Date.now();
      const idle = this.inFlight.size === 0 && !this.runner.active;
      if (speed > 1 && idle)
        this.clock.jumpTo(Math.min(this.nextDue(), this.clock.now() + (speed - 1) * (real - last)));
      last = real;
      const untilDue = this.nextDue() - this.clock.now();
      await delay(Math.max(1, Math.min(LIVE_POLL_MS, untilDue / speed)));
    }
  }
}

// How often a live run looks for due actions when none is near.
const LIVE_POLL_MS = 50;

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function settleMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
