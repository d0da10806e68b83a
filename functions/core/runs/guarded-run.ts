import { type Lock, type Locked, withLock } from '../coordination';
import type { Idempotency, Once } from './idempotency';
import { describeError, type RunProblem, type RunRecord, type RunStatus } from './record';

/** What the work concluded, and whether its event must be delivered again. */
export interface Concluded<T> {
  readonly status: RunStatus;
  readonly reason: string;
  /** The work is not done (a read or an action failed): release the event so it is redelivered. */
  readonly retry: boolean;
  readonly value: T;
}

/** One run of a control function on one event. */
export interface GuardedRunRequest<T = unknown> {
  readonly fn: string;
  readonly eventKey: string;
  /** The invocation's id: the lease owner. */
  readonly runId: string;
  /** When the function times out (epoch ms). */
  readonly deadline: number;
  /** The lease to hold while working. @default none */
  readonly lock?: { readonly name: string; readonly leaseMs: number };
  /** Work that changes nothing (a dry run) skips the event record: repeating it is harmless. @default false */
  readonly repeatable?: boolean;
  /**
   * Asked when the lease is still held after the waits: a conclusion that is done (`retry: false`)
   * ends the run with it, its event completed; `undefined` leaves it busy, its event released for
   * a retry. For events the holder's work already serves. @default every busy run is retried
   */
  readonly whenBusy?: () => Promise<Concluded<T> | undefined>;
}

/** The ports of a guarded run. */
export interface GuardedRunDeps {
  readonly idempotency: Idempotency;
  /** Needed by runs that ask for a lease. @default none */
  readonly lock?: Lock;
  readonly clock: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Uniform in [0, 1): the jitter of busy retries. */
  readonly random: () => number;
  /** Attempts on a busy lease, and the cap of the first wait. @default { attempts: 4, baseDelayMs: 500 } */
  readonly busyRetry?: { readonly attempts: number; readonly baseDelayMs: number };
}

/** How a guarded run ended: always a record; the work's value when it ran here. */
export interface GuardedRun<T> {
  readonly record: RunRecord;
  readonly value?: T;
}

/** What the event record keeps of a completed run, and a duplicate replays. */
interface Summary {
  readonly runId: string;
  readonly status: RunStatus;
  readonly reason: string;
}

const DEFAULT_BUSY_RETRY = { attempts: 4, baseDelayMs: 500 };

/** Thrown inside the event record so it is released; carries the work's own conclusion. */
class RetryRequested extends Error {
  override readonly name = 'RetryRequested';
}

/** The lease could not be taken: `acquire` itself failed. */
class LeaseError extends Error {
  override readonly name = 'LeaseError';
}

/**
 * Runs `work` for one event under the control plane's guarantees:
 * - once per event: the event record is in progress while the work runs (until the function's
 *   deadline at most), completed when it ends, released when it fails, so the retry runs it;
 * - busy is not done: a lease held by another run is waited for (a few attempts with jittered
 *   waits, within a quarter of the remaining time); still held, the event is released for retry,
 *   unless `whenBusy` finds it is left to the holder's work (then it is done);
 *   an event another run holds in progress is retried too, until that run completes it or its
 *   record lapses at that run's deadline;
 * - every run ends in a record, coordination failures included; a lease or record that could not
 *   be released or completed is a problem on the record, never a replacement for what the work did.
 * Never throws: an unexpected error is a `failed` record whose event is retried.
 */
export async function runGuarded<T>(
  deps: GuardedRunDeps,
  request: GuardedRunRequest<T>,
  work: () => Promise<Concluded<T>>,
): Promise<GuardedRun<T>> {
  const problems: RunProblem[] = [];
  let concluded: Concluded<T | undefined> | undefined;
  const body = async (): Promise<Summary> => {
    concluded = request.lock ? await locked(deps, request, work, problems) : await work();
    if (concluded.retry) throw new RetryRequested(concluded.reason);
    return { runId: request.runId, status: concluded.status, reason: concluded.reason };
  };
  const once: Once<Summary> = request.repeatable
    ? await body().then(
        (value) => ({ kind: 'ran', value }) as const,
        (error: unknown) => ({ kind: 'failed', error }) as const,
      )
    : await deps.idempotency.once({ key: request.eventKey, deadline: request.deadline }, body);
  const end = (status: RunStatus, reason: string, event: RunRecord['event'], value?: T): GuardedRun<T> => ({
    record: {
      fn: request.fn,
      eventKey: request.eventKey,
      runId: request.runId,
      status,
      reason,
      event,
      problems,
      at: deps.clock(),
    },
    ...(value === undefined ? {} : { value }),
  });
  const deadline = () => new Date(request.deadline).toISOString();
  switch (once.kind) {
    case 'ran':
      if (once.completionError !== undefined) {
        problems.push({
          kind: 'event-completion',
          detail: `the event record was not completed (${describeError(once.completionError)}); a redelivery after ${deadline()} would run the event again`,
        });
      }
      return end(concluded!.status, concluded!.reason, 'done', concluded!.value);
    case 'failed': {
      if (once.releaseError !== undefined) {
        problems.push({
          kind: 'event-release',
          detail: `the event record was not released (${describeError(once.releaseError)}); it lapses at ${deadline()}, and the redelivery after that runs the event`,
        });
      }
      if (once.error instanceof RetryRequested)
        return end(concluded!.status, concluded!.reason, 'retry', concluded!.value);
      const lease = once.error instanceof LeaseError;
      const cause = lease ? (once.error as LeaseError).cause : once.error;
      const what = lease ? (once.error as LeaseError).message : 'the run failed';
      return end('failed', `${what}: ${describeError(cause)}`, 'retry');
    }
    case 'replayed':
      return end(
        'skipped',
        `duplicate: run ${once.value.runId} already handled this event (${once.value.status}: ${once.value.reason})`,
        'done',
      );
    case 'in-progress':
      // Its holder may have died without releasing it: only a completed record is done.
      return end(
        'skipped',
        'another run holds this event in progress: retried until it completes or lapses',
        'retry',
      );
    case 'mismatch':
      return end('failed', 'the event key was already used for a different request', 'done');
    case 'unclaimed':
      return end('failed', `could not claim the event: ${describeError(once.error)}`, 'retry');
  }
}

async function locked<T>(
  deps: GuardedRunDeps,
  request: GuardedRunRequest<T>,
  work: () => Promise<Concluded<T>>,
  problems: RunProblem[],
): Promise<Concluded<T | undefined>> {
  const { name, leaseMs } = request.lock!;
  if (deps.lock === undefined) throw new LeaseError(`no Lock port to take the lease ${name}`);
  const lock = deps.lock;
  const now = deps.clock();
  const retry = deps.busyRetry ?? DEFAULT_BUSY_RETRY;
  let started = false;
  let outcome: Locked<Concluded<T>>;
  try {
    outcome = await withLock(
      lock,
      {
        name,
        owner: request.runId,
        leaseMs,
        now,
        retry: {
          ...retry,
          deadline: now + Math.max(0, request.deadline - now) / 4,
          sleep: deps.sleep,
          random: deps.random,
          clock: deps.clock,
        },
        onReleaseError: (error) =>
          problems.push({
            kind: 'lock-release',
            detail: `lease ${name} was not released (${describeError(error)}); it lapses at ${new Date(now + leaseMs).toISOString()}`,
          }),
      },
      () => {
        started = true;
        return work();
      },
    );
  } catch (error) {
    if (started) throw error;
    throw new LeaseError(`could not take the lease ${name}`, { cause: error });
  }
  if (!outcome.acquired) {
    const busy = `busy: another run holds ${name} (${outcome.attempts} attempts)`;
    const left = await leftToHolder(request, busy);
    return left ?? { status: 'skipped', reason: busy, retry: true, value: undefined };
  }
  return outcome.result;
}

/** The conclusion of a run whose lease stayed held, when `whenBusy` leaves it to the holder. */
async function leftToHolder<T>(
  request: GuardedRunRequest<T>,
  busy: string,
): Promise<Concluded<T | undefined> | undefined> {
  if (request.whenBusy === undefined) return undefined;
  try {
    const left = await request.whenBusy();
    return left === undefined || left.retry ? undefined : left;
  } catch (error) {
    // Not knowing what the holder does is no reason to drop the event: it stays busy.
    const reason = `${busy}; could not read what its holder does: ${describeError(error)}`;
    return { status: 'skipped', reason, retry: true, value: undefined };
  }
}
