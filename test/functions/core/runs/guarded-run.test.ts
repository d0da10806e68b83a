import {
  type Concluded,
  type GuardedRunRequest,
  runGuarded,
} from '../../../../functions/core/runs/guarded-run';
import {
  type FaultHook,
  manualClock,
  memoryIdempotency,
  memoryLock,
} from '../../../support/memory-coordination';

const request: GuardedRunRequest = {
  fn: 'scaling',
  eventKey: 'scaling:event-1',
  runId: 'run-1',
  deadline: 60_000,
  lock: { name: 'scaling#fleet', leaseMs: 120_000 },
};

const acted: Concluded<string> = { status: 'acted', reason: 'scaled 2 → 3', retry: false, value: 'scaled' };
const failedRead: Concluded<string> = {
  status: 'failed',
  reason: 'could not read the group (ThrottlingException)',
  retry: true,
  value: 'nothing decided',
};

function setup(fault?: FaultHook) {
  const clock = manualClock(1_000);
  const idempotency = memoryIdempotency(clock.now, fault);
  const lock = memoryLock(fault);
  const deps = { idempotency, lock, clock: clock.now, sleep: clock.sleep, random: () => 0.5 };
  return { clock, idempotency, lock, deps };
}

const failAt =
  (...sites: string[]): FaultHook =>
  (site) =>
    sites.includes(site)
      ? Object.assign(new Error(`${site} throttled`), { name: 'ThrottlingException' })
      : undefined;

describe('runGuarded', () => {
  it('runs the work once, completes the event and records what the work concluded', async () => {
    const { deps, idempotency, lock } = setup();
    const run = await runGuarded(deps, request, async () => acted);
    expect(run.value).toBe('scaled');
    expect(run.record).toMatchObject({
      fn: 'scaling',
      eventKey: 'scaling:event-1',
      runId: 'run-1',
      status: 'acted',
      reason: 'scaled 2 → 3',
      event: 'done',
      problems: [],
    });
    expect(idempotency.records.get('scaling:event-1')?.status).toBe('completed');
    expect(lock.leases.size).toBe(0);
  });

  it('answers a redelivered event as a duplicate of the run that handled it, without working again', async () => {
    const { deps } = setup();
    await runGuarded(deps, request, async () => acted);
    const work = jest.fn(async () => acted);
    const run = await runGuarded(deps, { ...request, runId: 'run-2' }, work);
    expect(work).not.toHaveBeenCalled();
    expect(run.record).toMatchObject({
      status: 'skipped',
      event: 'done',
      reason: 'duplicate: run run-1 already handled this event (acted: scaled 2 → 3)',
    });
  });

  it('releases the event when the work asks for a retry, so the redelivery runs it', async () => {
    const { deps, idempotency } = setup();
    const first = await runGuarded(deps, request, async () => failedRead);
    expect(first.record).toMatchObject({ status: 'failed', event: 'retry', reason: failedRead.reason });
    expect(first.value).toBe('nothing decided');
    expect(idempotency.records.has('scaling:event-1')).toBe(false);
    const second = await runGuarded(deps, { ...request, runId: 'run-2' }, async () => acted);
    expect(second.record).toMatchObject({ status: 'acted', event: 'done' });
  });

  it('records an unexpected error as a failure whose event is retried', async () => {
    const { deps, idempotency } = setup();
    const run = await runGuarded(deps, request, async () => {
      throw new TypeError('undefined is not a function');
    });
    expect(run.record).toMatchObject({
      status: 'failed',
      event: 'retry',
      reason: 'the run failed: undefined is not a function (TypeError)',
    });
    expect(idempotency.records.size).toBe(0);
  });

  it('retries a busy lease with jitter, then releases the event for a later delivery instead of acknowledging it', async () => {
    const { deps, idempotency, lock, clock } = setup();
    await lock.acquire('scaling#fleet', 'another-run', 120_000, clock.now());
    const work = jest.fn(async () => acted);
    const run = await runGuarded(deps, request, work);
    expect(work).not.toHaveBeenCalled();
    expect(run.record).toMatchObject({
      status: 'skipped',
      event: 'retry',
      reason: 'busy: another run holds scaling#fleet (4 attempts)',
    });
    expect(idempotency.records.size).toBe(0);
    // Waited 250 + 500 + 1000 ms: full jitter at 0.5 of caps 500, 1000, 2000.
    expect(clock.now()).toBe(1_000 + 1_750);
  });

  it('ends a busy run as done, its event completed, when whenBusy leaves it to the holder', async () => {
    const { deps, idempotency, lock, clock } = setup();
    await lock.acquire('scaling#fleet', 'another-run', 120_000, clock.now());
    const work = jest.fn(async () => acted);
    const left: Concluded<string> = {
      status: 'skipped',
      reason: "deferred: the holder's work serves it",
      retry: false,
      value: 'left',
    };
    const run = await runGuarded(deps, { ...request, whenBusy: async () => left }, work);
    expect(work).not.toHaveBeenCalled();
    expect(run.value).toBe('left');
    expect(run.record).toMatchObject({ status: 'skipped', event: 'done', reason: left.reason });
    expect(idempotency.records.get('scaling:event-1')?.status).toBe('completed');
  });

  it('keeps a busy run busy, its event released for a retry, when whenBusy has nothing to leave or fails', async () => {
    for (const whenBusy of [
      async () => undefined,
      async () => ({ ...failedRead, reason: 'not served' }),
      async (): Promise<undefined> => {
        throw Object.assign(new Error('state read throttled'), { name: 'ThrottlingException' });
      },
    ]) {
      const { deps, idempotency, lock, clock } = setup();
      await lock.acquire('scaling#fleet', 'another-run', 120_000, clock.now());
      const run = await runGuarded(deps, { ...request, whenBusy }, async () => acted);
      expect(run.record).toMatchObject({ status: 'skipped', event: 'retry' });
      expect(run.record.reason).toMatch(/^busy: another run holds scaling#fleet \(4 attempts\)/);
      expect(idempotency.records.size).toBe(0);
    }
  });

  it('takes the lease when its holder lets go during the retries', async () => {
    const { deps, lock, clock } = setup();
    await lock.acquire('scaling#fleet', 'another-run', 500, clock.now());
    const run = await runGuarded(deps, request, async () => acted);
    expect(run.record).toMatchObject({ status: 'acted', event: 'done' });
  });

  it('records a claim that failed as a failure to retry, without working', async () => {
    const { deps } = setup(failAt('claim'));
    const work = jest.fn(async () => acted);
    const run = await runGuarded(deps, request, work);
    expect(work).not.toHaveBeenCalled();
    expect(run.record).toMatchObject({
      status: 'failed',
      event: 'retry',
      reason: 'could not claim the event: claim throttled (ThrottlingException)',
    });
  });

  it('records a lease that could not be taken as a failure and releases the event', async () => {
    const { deps, idempotency } = setup(failAt('acquire'));
    const work = jest.fn(async () => acted);
    const run = await runGuarded(deps, request, work);
    expect(work).not.toHaveBeenCalled();
    expect(run.record).toMatchObject({
      status: 'failed',
      event: 'retry',
      reason: 'could not take the lease scaling#fleet: acquire throttled (ThrottlingException)',
    });
    expect(idempotency.records.size).toBe(0);
  });

  it('keeps an action that completed when the lease release fails, and records the release as a problem', async () => {
    const { deps, idempotency } = setup(failAt('release-lock'));
    const run = await runGuarded(deps, request, async () => acted);
    expect(run.record).toMatchObject({ status: 'acted', event: 'done' });
    expect(run.record.problems).toEqual([
      {
        kind: 'lock-release',
        detail:
          'lease scaling#fleet was not released (release-lock throttled (ThrottlingException)); it lapses at 1970-01-01T00:02:01.000Z',
      },
    ]);
    expect(idempotency.records.get('scaling:event-1')?.status).toBe('completed');
  });

  it('records an event record that could not be released; the redelivery after the deadline runs the event', async () => {
    let failRelease = true;
    const { deps, clock } = setup((site) =>
      site === 'release' && failRelease ? new Error('release timed out') : undefined,
    );
    const run = await runGuarded(deps, request, async () => failedRead);
    expect(run.record).toMatchObject({ status: 'failed', event: 'retry' });
    expect(run.record.problems.map((p) => p.kind)).toEqual(['event-release']);
    failRelease = false;
    clock.set(request.deadline + 60_000);
    const retry = await runGuarded(deps, { ...request, runId: 'run-2' }, async () => acted);
    expect(retry.record).toMatchObject({ status: 'acted', event: 'done' });
  });

  it('records an event record that could not be completed, keeping what the work did', async () => {
    const { deps } = setup(failAt('complete'));
    const run = await runGuarded(deps, request, async () => acted);
    expect(run.record).toMatchObject({ status: 'acted', event: 'done' });
    expect(run.record.problems.map((p) => p.kind)).toEqual(['event-completion']);
  });

  it('retries an event another run holds in progress instead of acknowledging it', async () => {
    const { deps, idempotency, clock } = setup();
    idempotency.records.set('scaling:event-1', { status: 'in-progress', deadline: 50_000 });
    const work = jest.fn(async () => acted);
    const held = await runGuarded(deps, request, work);
    expect(held.record).toMatchObject({ status: 'skipped', event: 'retry' });
    expect(work).not.toHaveBeenCalled();
    // Its holder died without releasing it: once the record lapses, the retry runs the event.
    clock.set(50_001);
    expect((await runGuarded(deps, request, work)).record).toMatchObject({ status: 'acted', event: 'done' });
  });

  it('runs repeatable work (a dry run) without an event record', async () => {
    const { deps, idempotency } = setup();
    const run = await runGuarded(deps, { ...request, repeatable: true }, async () => ({
      ...acted,
      status: 'decided' as const,
    }));
    expect(run.record.status).toBe('decided');
    expect(idempotency.records.size).toBe(0);
  });

  it('runs work without a lease when none is asked for', async () => {
    const { deps, lock } = setup(failAt('acquire'));
    const { lock: _none, ...unlocked } = request;
    const run = await runGuarded(deps, unlocked, async () => acted);
    expect(run.record.status).toBe('acted');
    expect(lock.leases.size).toBe(0);
  });
});
