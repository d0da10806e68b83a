/**
 * Ports for coordinating control-plane runs. Scheduled rules, alarm events and async invokes
 * are delivered at least once and may overlap, so every engine that acts on production
 * resources claims the event first and holds a lease while it acts.
 */

/** A named lease: only one holder at a time; an expired lease can be taken over. */
export interface Lock {
  /** True when `owner` now holds `name` until `now + leaseMs` (re-acquiring one's own lease extends it). */
  acquire(name: string, owner: string, leaseMs: number, now: number): Promise<boolean>;
  /** Releases the lease if `owner` still holds it; a lease taken over by another owner is left alone. */
  release(name: string, owner: string): Promise<void>;
}

/** Remembers which events were already handled, so a redelivered event does nothing. */
export interface EventLedger {
  /** True the first time `eventKey` is claimed, false for every duplicate. */
  claim(eventKey: string, now: number, retentionMs: number): Promise<boolean>;
}

/**
 * Runs `action` while holding `name`, always releasing the lease afterwards.
 * @returns `{ acquired: false }` without running `action` when another owner holds the lease.
 */
export async function withLock<T>(
  lock: Lock,
  name: string,
  owner: string,
  leaseMs: number,
  now: number,
  action: () => Promise<T>,
): Promise<{ acquired: true; result: T } | { acquired: false }> {
  if (!(await lock.acquire(name, owner, leaseMs, now))) return { acquired: false };
  try {
    return { acquired: true, result: await action() };
  } finally {
    await lock.release(name, owner);
  }
}
