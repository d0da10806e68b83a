import type { Lock } from '../../functions/core/coordination';
import type { Idempotency, Once, OnceRequest } from '../../functions/core/runs/idempotency';

/** A coordination call site a test can make fail: the error to throw, or `undefined` to go ahead. */
export type FaultHook = (site: string) => unknown;

const noFault: FaultHook = () => undefined;

/** An event record as the Powertools DynamoDB layer keeps it. */
export interface MemoryRecord {
  status: 'in-progress' | 'completed';
  /** In progress until (epoch ms). */
  deadline: number;
  value?: unknown;
  fingerprint?: string;
}

/**
 * An in-memory {@link Idempotency} with the semantics of `PowertoolsIdempotency` over DynamoDB
 * (the contract test runs both): a claim succeeds when no record exists or the in-progress one
 * passed its deadline; `work` returning completes the record, throwing deletes it. `fault` is
 * asked before each store call (`claim`, `complete`, `release`); a failed call leaves the record
 * as the real store would (a failed release or completion leaves it in progress).
 */
export function memoryIdempotency(
  clock: () => number,
  fault: FaultHook = noFault,
): Idempotency & { readonly records: Map<string, MemoryRecord> } {
  const records = new Map<string, MemoryRecord>();
  return {
    records,
    async once<T>(request: OnceRequest, work: () => Promise<T>): Promise<Once<T>> {
      const claimError = fault('claim');
      if (claimError !== undefined) return { kind: 'unclaimed', error: claimError };
      const existing = records.get(request.key);
      if (existing && !(existing.status === 'in-progress' && existing.deadline < clock())) {
        if ((existing.fingerprint ?? '') !== (request.fingerprint ?? '')) return { kind: 'mismatch' };
        if (existing.status === 'in-progress') return { kind: 'in-progress' };
        return { kind: 'replayed', value: JSON.parse(JSON.stringify(existing.value)) as T };
      }
      records.set(request.key, {
        status: 'in-progress',
        deadline: request.deadline,
        ...(request.fingerprint === undefined ? {} : { fingerprint: request.fingerprint }),
      });
      let value: T;
      try {
        value = await work();
      } catch (error) {
        const releaseError = fault('release');
        if (releaseError !== undefined) return { kind: 'failed', error, releaseError };
        records.delete(request.key);
        return { kind: 'failed', error };
      }
      const completionError = fault('complete');
      if (completionError !== undefined) return { kind: 'ran', value, completionError };
      records.set(request.key, { ...records.get(request.key)!, status: 'completed', value });
      return { kind: 'ran', value };
    },
  };
}

/** A lease as the DynamoDB lock keeps it. */
export interface MemoryLease {
  owner: string;
  until: number;
}

/**
 * An in-memory {@link Lock} with the DynamoDB adapter's condition: free, expired or one's own.
 * `fault` is asked before each call (`acquire`, `release`); a failed release keeps the lease.
 */
export function memoryLock(fault: FaultHook = noFault): Lock & { readonly leases: Map<string, MemoryLease> } {
  const leases = new Map<string, MemoryLease>();
  return {
    leases,
    async acquire(name, owner, leaseMs, now) {
      const error = fault('acquire');
      if (error !== undefined) throw error;
      const current = leases.get(name);
      if (current && current.until >= now && current.owner !== owner) return false;
      leases.set(name, { owner, until: now + leaseMs });
      return true;
    },
    async release(name, owner) {
      const error = fault('release-lock');
      if (error !== undefined) throw error;
      if (leases.get(name)?.owner === owner) leases.delete(name);
    },
  };
}

/** A clock the test moves, and a `sleep` that moves it instead of waiting. */
export function manualClock(start = 0) {
  let now = start;
  return {
    now: () => now,
    set: (time: number) => {
      now = time;
    },
    advance: (ms: number) => {
      now += ms;
    },
    sleep: async (ms: number) => {
      now += ms;
    },
  };
}
