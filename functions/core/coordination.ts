/**
 * Leases for control-plane runs. Scheduled rules, alarm events and async invokes are delivered
 * at least once and may overlap, so every engine that acts on production resources holds a lease
 * while it acts (and, see `./runs/guarded-run`, runs each event once).
 */

/** A named lease: only one holder at a time; an expired lease can be taken over. */
export interface Lock {
  /** True when `owner` now holds `name` until `now + leaseMs` (re-acquiring one's own lease extends it). */
  acquire(name: string, owner: string, leaseMs: number, now: number): Promise<boolean>;
  /** Releases the lease if `owner` still holds it; a lease taken over by another owner is left alone. */
  release(name: string, owner: string): Promise<void>;
}

/**
 * How a run waits for a lease another run holds: a few attempts, each after a random wait drawn
 * from `[0, baseDelayMs × 2^n]` ("full jitter", so runs that collided do not collide again), and
 * never past `deadline`.
 */
export interface BusyRetry {
  /** Acquire attempts in all, the first included. @default 1 */
  readonly attempts: number;
  /** The cap of the first wait; each next cap doubles. */
  readonly baseDelayMs: number;
  /** No wait ends after this (epoch ms): the run must still have time to act. */
  readonly deadline: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Uniform in [0, 1). */
  readonly random: () => number;
  readonly clock: () => number;
}

/** The lease to hold around one action. */
export interface LeaseRequest {
  readonly name: string;
  readonly owner: string;
  readonly leaseMs: number;
  /** The time of the first attempt (epoch ms); later attempts read `retry.clock`. */
  readonly now: number;
  /** Waits for a busy lease; without it, one attempt. */
  readonly retry?: BusyRetry;
  /**
   * Told when the release failed. The lease then lapses at its end; the action's result stands,
   * so the caller logs, counts and alarms on it instead of failing a run that already acted.
   */
  readonly onReleaseError: (error: unknown) => void;
}

/** What {@link withLock} did. */
export type Locked<T> =
  | { readonly acquired: true; readonly result: T }
  | { readonly acquired: false; readonly attempts: number };

/**
 * Runs `action` while holding the lease, always releasing it afterwards. A lease held by another
 * owner is waited for as `retry` allows; an `acquire` that fails (throttled, timed out) throws.
 * A failed release never replaces the action's result or error: it goes to `onReleaseError`.
 * @returns `{ acquired: false }` without running `action` when another owner still holds the lease.
 */
export async function withLock<T>(
  lock: Lock,
  lease: LeaseRequest,
  action: () => Promise<T>,
): Promise<Locked<T>> {
  const attempts = Math.max(1, lease.retry?.attempts ?? 1);
  let attempt = 0;
  let now = lease.now;
  while (!(await lock.acquire(lease.name, lease.owner, lease.leaseMs, now))) {
    attempt++;
    const wait = lease.retry === undefined ? undefined : nextWait(lease.retry, attempt, attempts);
    if (wait === undefined) return { acquired: false, attempts: attempt };
    await lease.retry!.sleep(wait);
    now = lease.retry!.clock();
  }
  try {
    return { acquired: true, result: await action() };
  } finally {
    try {
      await lock.release(lease.name, lease.owner);
    } catch (error) {
      lease.onReleaseError(error);
    }
  }
}

/** The wait before attempt `attempt + 1`, or `undefined` when the attempts or the time ran out. */
function nextWait(retry: BusyRetry, attempt: number, attempts: number): number | undefined {
  if (attempt >= attempts) return undefined;
  const wait = Math.floor(retry.random() * retry.baseDelayMs * 2 ** (attempt - 1));
  return retry.clock() + wait <= retry.deadline ? wait : undefined;
}
