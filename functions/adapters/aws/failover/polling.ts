import type { ActionOutcome } from '../../../core/failover/types';
import { classifyAwsError, describeError } from './aws-errors';

/** Time for the adapters: injected so tests can run waits and deadlines on a simulated clock. */
export interface AdapterClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The real clock. */
export const systemClock: AdapterClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A signal that aborts an SDK call when the action's deadline passes. */
export function deadlineSignal(deadline: number, clock: AdapterClock): AbortSignal {
  return AbortSignal.timeout(Math.max(1, deadline - clock.now()));
}

/**
 * Reads until `check` says the component is where it should be, or the deadline passes.
 * Throttled and timed-out reads are retried (a control plane under load during an incident is
 * normal); a rejected read (access denied, unknown resource) ends the wait at once.
 * @param check returns `true` when done, or a sentence saying what is still wrong.
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  check: (value: T) => true | string,
  deadline: number,
  intervalMs: number,
  clock: AdapterClock,
): Promise<ActionOutcome> {
  let last = 'not read yet';
  for (;;) {
    try {
      const verdict = check(await read());
      if (verdict === true) return { ok: true, detail: 'verified' };
      last = verdict;
    } catch (error) {
      const failure = classifyAwsError(error);
      if (failure === 'rejected')
        return { ok: false, failure, message: describeError(error), accepted: false };
      last = describeError(error);
    }
    if (clock.now() + intervalMs > deadline) {
      return { ok: false, failure: 'timeout', message: `deadline passed: ${last}`, accepted: false };
    }
    await clock.sleep(intervalMs);
  }
}
