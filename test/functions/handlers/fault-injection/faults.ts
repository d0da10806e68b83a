import fc from 'fast-check';
import type { Idempotency, Once, OnceRequest } from '../../../../functions/core/runs/idempotency';
import type { RunRecord } from '../../../../functions/core/runs/record';
import { RUN_RECORD_MESSAGE } from '../../../../functions/core/runs/run-log';
import { type MemoryRecord, memoryIdempotency, memoryLock } from '../../../support/memory-coordination';

/**
 * Fault injection through the handlers' own ports. A fault plan says, per call site, what each
 * successive call meets: nothing, throttling, a 5xx, a timeout, or partial data (for a read:
 * part of the answer; for a write: applied, but the answer lost).
 */
export type Fault = 'throttle' | '5xx' | 'timeout' | 'partial';

/** Per call site, the faults its successive calls meet (`null`: that call succeeds). */
export type FaultPlan = Readonly<Record<string, readonly (Fault | null)[]>>;

/** The SDK's own error for a fault, as adapters surface it after their retries. */
export function faultError(fault: Exclude<Fault, 'partial'>, site: string): Error {
  const [name, status] =
    fault === 'throttle'
      ? ['ThrottlingException', 400]
      : fault === '5xx'
        ? ['InternalServerError', 500]
        : ['TimeoutError', undefined];
  return Object.assign(new Error(`${site}: ${fault}`), { name, $metadata: { httpStatusCode: status } });
}

/** Plans over `sites`: each site's first calls fault with probability about `rate`. */
export function faultPlans(sites: readonly string[], rate = 0.25): fc.Arbitrary<FaultPlan> {
  const faultOrNone = fc.oneof(
    { weight: Math.round((1 - rate) * 100), arbitrary: fc.constant(null) },
    {
      weight: Math.round(rate * 100),
      arbitrary: fc.constantFrom<Fault>('throttle', '5xx', 'timeout', 'partial'),
    },
  );
  return fc.record(Object.fromEntries(sites.map((site) => [site, fc.array(faultOrNone, { maxLength: 4 })])));
}

/** Hands out each site's faults in call order and counts what was injected. */
export class Injector {
  private readonly calls = new Map<string, number>();
  injected = 0;

  constructor(private readonly plan: FaultPlan) {}

  /** The fault the next call at `site` meets. */
  next(site: string): Fault | null {
    const index = this.calls.get(site) ?? 0;
    this.calls.set(site, index + 1);
    const fault = this.plan[site]?.[index] ?? null;
    if (fault) this.injected++;
    return fault;
  }

  /** Throws the SDK error for a throttle, 5xx or timeout; returns the fault otherwise. */
  throwing(site: string): Fault | null {
    const fault = this.next(site);
    if (fault === 'throttle' || fault === '5xx' || fault === 'timeout') throw faultError(fault, site);
    return fault;
  }
}

/**
 * The event records under faults at `claim`, `complete` and `release`, with the store's real
 * effects: a timed-out or partial claim is written although the caller hears an error (it lapses
 * at the deadline); a failed completion or release leaves the record in progress.
 */
export function faultyIdempotency(
  clock: () => number,
  injector: Injector,
): Idempotency & { readonly records: Map<string, MemoryRecord> } {
  const store = memoryIdempotency(clock, (site) => {
    const fault = injector.next(`event-${site}`);
    return fault ? faultError(fault === 'partial' ? 'timeout' : fault, `event-${site}`) : undefined;
  });
  return {
    records: store.records,
    async once<T>(request: OnceRequest, work: () => Promise<T>): Promise<Once<T>> {
      const once = await store.once(request, work);
      // A claim whose answer was lost was still written: the record holds until the deadline.
      if (
        once.kind === 'unclaimed' &&
        (once.error as Error).name === 'TimeoutError' &&
        !store.records.has(request.key)
      )
        store.records.set(request.key, { status: 'in-progress', deadline: request.deadline });
      return once;
    },
  };
}

/** The lease table under faults at `acquire` and `release-lock`; a lost answer still took effect. */
export function faultyLock(injector: Injector) {
  const lock = memoryLock();
  return {
    leases: lock.leases,
    async acquire(name: string, owner: string, leaseMs: number, now: number): Promise<boolean> {
      const fault = injector.next('acquire');
      if (fault === null) return lock.acquire(name, owner, leaseMs, now);
      if (fault === 'timeout' || fault === 'partial') await lock.acquire(name, owner, leaseMs, now);
      throw faultError(fault === 'partial' ? 'timeout' : fault, 'acquire');
    },
    async release(name: string, owner: string): Promise<void> {
      const fault = injector.next('release-lock');
      if (fault === null) return lock.release(name, owner);
      if (fault === 'timeout' || fault === 'partial') await lock.release(name, owner);
      throw faultError(fault === 'partial' ? 'timeout' : fault, 'release-lock');
    },
  };
}

/** The run records a handler wrote, read back from its log lines. */
export class RecordingLog {
  readonly records: RunRecord[] = [];
  readonly lines: { level: string; message: string }[] = [];

  private write(level: string, message: string, extra: Record<string, unknown>): void {
    this.lines.push({ level, message });
    if (message === RUN_RECORD_MESSAGE) this.records.push(extra.run as RunRecord);
  }
  info = (message: string, extra: Record<string, unknown> = {}) => this.write('info', message, extra);
  warn = (message: string, extra: Record<string, unknown> = {}) => this.write('warn', message, extra);
  error = (message: string, extra: Record<string, unknown> = {}) => this.write('error', message, extra);
}

/** A Powertools-shaped single metric that keeps nothing. */
interface SilentMetric {
  addDimension(): SilentMetric;
  addMetric(): undefined;
}
const silentMetric: SilentMetric = { addDimension: () => silentMetric, addMetric: () => undefined };

/** Powertools-shaped metrics that keep nothing: the suites read the records from the log. */
export const silentMetrics = {
  singleMetric: () => silentMetric,
  addMetric: () => undefined,
  addDimension: () => undefined,
  publishStoredMetrics: () => undefined,
};

/** One invocation of an event: whether Lambda saw it fail, and the records it wrote. */
export interface Attempt {
  readonly threw: boolean;
  readonly records: readonly RunRecord[];
}

/** Lambda's asynchronous retries: about a minute, then about two more. */
export const RETRY_DELAYS_MS = [60_000, 120_000] as const;

/**
 * Delivers one event as Lambda does asynchronously: an invocation that fails is retried up to
 * `retries` times; after the last failure the event is parked in the failure queue.
 */
export async function deliver(
  invoke: () => Promise<unknown>,
  log: RecordingLog,
  advance: (ms: number) => void,
  retries: number,
): Promise<{ attempts: Attempt[]; parked: boolean }> {
  const attempts: Attempt[] = [];
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) advance(RETRY_DELAYS_MS[Math.min(attempt - 1, RETRY_DELAYS_MS.length - 1)]!);
    const before = log.records.length;
    const threw = await invoke().then(
      () => false,
      () => true,
    );
    attempts.push({ threw, records: log.records.slice(before) });
    if (!threw) return { attempts, parked: false };
  }
  return { attempts, parked: true };
}

/** Totals across a suite's runs, for the README's guarantees table. */
interface Tally {
  runs: number;
  invocations: number;
  faults: number;
  withoutRecord: number;
  outOfBounds: number;
  lost: number;
  done: number;
  parked: number;
  actions: number;
}

const emptyTally = (): Tally => ({
  runs: 0,
  invocations: 0,
  faults: 0,
  withoutRecord: 0,
  outOfBounds: 0,
  lost: 0,
  done: 0,
  parked: 0,
  actions: 0,
});

/**
 * Counts one delivered event into `tally`: invocations whose unit of work left no record (or
 * left one that contradicts what Lambda saw), and a lost event: one the platform considers
 * delivered (its last invocation succeeded) whose work was neither done nor handed on.
 * @param units the records each invocation must write (one per event, component or message).
 * @param done whether the event's work is on record as done (a completed event record, or a
 *   record whose completion was the only thing that failed).
 */
function countDelivery(
  tally: Tally,
  delivery: { attempts: Attempt[]; parked: boolean },
  units: number,
  done: boolean,
): void {
  tally.runs++;
  tally.invocations += delivery.attempts.length;
  for (const attempt of delivery.attempts) {
    const retried = attempt.records.some((r) => r.event === 'retry');
    if (attempt.records.length < units || attempt.threw !== retried) tally.withoutRecord++;
  }
  if (delivery.parked) tally.parked++;
  else if (done) tally.done++;
  else tally.lost++;
}

/** Prints a suite's totals when `FAULT_SUMMARY` is set (for the README's figures). */
function report(name: string, tally: Tally): void {
  if (process.env.FAULT_SUMMARY) process.stdout.write(`${JSON.stringify({ suite: name, ...tally })}\n`);
}

/** Generated runs per handler: the floor. */
export const RUNS = 5000;

/** A plan where `site` fails its first `times` calls with a 5xx, and nothing else fails. */
export const failing = (site: string, times: number): FaultPlan => ({ [site]: Array(times).fill('5xx') });

/**
 * The event-loss property for one delivery whose work failed `times` times in a row: within the
 * retries the event ends done; beyond them it is parked (every invocation failed, so Lambda keeps
 * it in the failure queue, whose alarm tells a person) and every attempt recorded why it is not done.
 */
export function expectDoneOrParked(
  delivery: { attempts: Attempt[]; parked: boolean },
  done: boolean,
  times: number,
  retries: number,
): void {
  if (times <= retries) {
    expect({ parked: delivery.parked, done }).toEqual({ parked: false, done: true });
    return;
  }
  expect(delivery.parked).toBe(true);
  for (const attempt of delivery.attempts) {
    expect(attempt.threw).toBe(true);
    expect(attempt.records.length).toBeGreaterThan(0);
    expect(attempt.records.some((r) => r.event === 'retry' && r.reason.length > 0)).toBe(true);
  }
}

/**
 * Whether the work of `eventKey` is done, from the records of its delivery rather than the event
 * record alone: a run concluded it (acted or decided) and its event was done. A replay counts
 * only because an earlier attempt concluded it; a run that failed is never done here.
 */
function concluded(
  attempts: readonly Attempt[],
  eventKey: string,
  statuses: readonly RunRecord['status'][] = ['acted', 'decided'],
): boolean {
  return attempts.some((attempt) =>
    attempt.records.some((r) => r.eventKey === eventKey && r.event === 'done' && statuses.includes(r.status)),
  );
}

/** What one generated run delivered and what its world saw. */
export interface Checked {
  readonly delivery: { attempts: Attempt[]; parked: boolean };
  /** The records each invocation must write (one per event, component or message). */
  readonly units: number;
  readonly done: boolean;
  readonly faults: number;
  readonly actions: number;
  /** Actions outside their bounds, in words. */
  readonly violations: readonly string[];
}

/**
 * Runs {@link RUNS} generated scenarios through `check`, failing on the first run without a
 * record, with an action outside its bounds, or with a lost event, then reports the totals.
 */
export async function faultSuite<S>(
  name: string,
  scenarios: fc.Arbitrary<S>,
  check: (scenario: S) => Promise<Checked>,
): Promise<void> {
  const tally = emptyTally();
  await fc.assert(
    fc.asyncProperty(scenarios, async (scenario) => {
      const run = await check(scenario);
      const before = { ...tally };
      countDelivery(tally, run.delivery, run.units, run.done);
      tally.faults += run.faults;
      tally.actions += run.actions;
      tally.outOfBounds += run.violations.length;
      expect(run.violations).toEqual([]);
      expect(tally.withoutRecord).toBe(before.withoutRecord);
      expect(tally.lost).toBe(before.lost);
    }),
    { numRuns: RUNS },
  );
  report(name, tally);
  expect(tally).toMatchObject({ runs: RUNS, withoutRecord: 0, outOfBounds: 0, lost: 0 });
  expect(tally.parked + tally.done).toBe(RUNS);
}

/**
 * Whether `eventKey`'s work is done: a run concluded it, and its event record is completed (or
 * only the completion failed, which the run recorded).
 */
export function workDone(
  records: ReadonlyMap<string, MemoryRecord>,
  attempts: readonly Attempt[],
  eventKey: string,
  statuses?: readonly RunRecord['status'][],
): boolean {
  const completedLate = attempts.some((a) =>
    a.records.some(
      (r) =>
        r.eventKey === eventKey &&
        r.event === 'done' &&
        r.problems.some((p) => p.kind === 'event-completion'),
    ),
  );
  return (
    (records.get(eventKey)?.status === 'completed' || completedLate) &&
    concluded(attempts, eventKey, statuses)
  );
}

/** A world with one event to deliver, as the single-event suites build it. */
interface OneEventWorld {
  readonly invoke: () => Promise<unknown>;
  readonly log: RecordingLog;
  readonly clock: { readonly advance: (ms: number) => void };
  readonly injector: Injector;
  readonly actions: () => number;
  readonly violations: readonly string[];
}

/** Delivers the world's one event, keyed `eventKey` in `records`, and checks what it left. */
export async function deliverOneEvent(
  w: OneEventWorld,
  records: ReadonlyMap<string, MemoryRecord>,
  eventKey: string,
  retries: number,
): Promise<Checked> {
  const delivery = await deliver(w.invoke, w.log, w.clock.advance, retries);
  return {
    delivery,
    units: 1,
    done: workDone(records, delivery.attempts, eventKey),
    faults: w.injector.injected,
    actions: w.actions(),
    violations: w.violations,
  };
}
