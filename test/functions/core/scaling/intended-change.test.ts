import { ownChanges } from '../../../../functions/core/scaling/cooldown';
import { runScaling, type ScalingRequest } from '../../../../functions/core/scaling/service';
import { fakeDeps, groupOf, NOW, throttled } from './service-fakes';

const request = (eventKey: string): ScalingRequest => ({
  eventKey,
  runId: `run-${eventKey}-${Math.random()}`,
  trigger: 'alarm',
  reason: 'alarm',
  deadline: NOW + 60_000,
});

const timedOut = () => Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });

describe('the intended change', () => {
  it('is recorded before SetDesiredCapacity is called', async () => {
    const { deps, group, state } = fakeDeps({ metrics: { cpu: 90, memory: 50 } });
    let intendedWhenSet: unknown;
    const set = group.setDesiredCapacity.bind(group);
    group.setDesiredCapacity = async (capacity) => {
      intendedWhenSet = state.intended;
      await set(capacity);
    };
    await runScaling(deps, request('scaling:event-1'));
    expect(intendedWhenSet).toEqual({ startTime: NOW, fromCapacity: 4, toCapacity: group.sets[0] });
  });

  it('changes nothing when it cannot be recorded, and releases the event for the retry', async () => {
    const { deps, group, state } = fakeDeps({ metrics: { cpu: 90, memory: 50 } });
    state.intentError = throttled();
    const { outcome, record } = await runScaling(deps, request('scaling:event-1'));
    expect(group.sets).toEqual([]);
    expect(outcome).toMatchObject({
      status: 'decided',
      action: 'failed',
      actionError: expect.stringMatching(
        /^not changed: the intended change 4 → \d+ could not be recorded first/,
      ),
    });
    expect(record).toMatchObject({ status: 'failed', event: 'retry' });
  });

  it("holds the retry's cooldown when the change landed but its answer and decision record were lost", async () => {
    const { deps, group, state, clock } = fakeDeps({ metrics: { cpu: 90, memory: 50 } });
    const set = group.setDesiredCapacity.bind(group);
    group.setDesiredCapacity = async (capacity) => {
      await set(capacity);
      throw timedOut();
    };
    state.recordError = throttled();
    await runScaling(deps, request('scaling:event-1'));
    expect(group.sets).toHaveLength(1);
    // The change landed; the group's activity history does not list it yet.
    group.state = groupOf(group.sets[0]!);
    group.setDesiredCapacity = set;
    state.recordError = undefined;
    clock.advance(60_000);
    const retry = await runScaling(deps, request('scaling:event-1'));
    if (retry.outcome.status !== 'decided') throw new Error('expected a decision');
    expect(retry.outcome.decision.explanation.limits.map((l) => l.kind)).toContain('cooldown');
    expect(group.sets).toHaveLength(1);
  });

  it('does not hold the retry when the change was refused', async () => {
    const { deps, group, clock } = fakeDeps({ metrics: { cpu: 90, memory: 50 } });
    group.setError = throttled();
    await runScaling(deps, request('scaling:event-1'));
    group.setError = undefined;
    clock.advance(60_000);
    const retry = await runScaling(deps, request('scaling:event-1'));
    expect(retry.outcome).toMatchObject({ status: 'decided', action: 'scaled' });
    expect(group.sets).toHaveLength(1);
  });
});

describe('ownChanges', () => {
  const recorded = [{ startTime: NOW - 200_000, fromCapacity: 2, toCapacity: 4 }];
  const intended = { startTime: NOW - 60_000, fromCapacity: 4, toCapacity: 6 };

  it('counts the intended change when the group stands at its target', () => {
    expect(ownChanges(recorded, intended, 6)).toEqual([...recorded, intended]);
  });

  it('leaves out an intended change the group does not show', () => {
    expect(ownChanges(recorded, intended, 4)).toEqual(recorded);
  });

  it('is the recorded actions alone without an intended change', () => {
    expect(ownChanges(recorded, undefined, 6)).toEqual(recorded);
  });
});
