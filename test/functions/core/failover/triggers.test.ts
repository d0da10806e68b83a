import { type FailoverTrigger, resolveTrigger } from '../../../../functions/core/failover/triggers';
import { FixedObserver, SimulatedClock } from './fakes';
import { cacheHealth, dbHealth, T0 } from './fixtures';

const downDb = dbHealth({ primary: { healthy: false } });

describe('resolveTrigger', () => {
  test('a scheduled observation becomes a health event dated when it was read', async () => {
    const clock = new SimulatedClock(T0 + 3_500);
    const trigger: FailoverTrigger = { kind: 'observe', id: 'schedule:cache:t', component: 'cache' };
    expect(await resolveTrigger(trigger, new FixedObserver(cacheHealth(false)), clock.now)).toEqual({
      event: {
        kind: 'health',
        id: 'schedule:cache:t',
        component: 'cache',
        health: cacheHealth(false),
        observedAt: T0 + 3_500,
      },
      note: 'scheduled observation',
    });
  });

  test('a verdict carries the observation, the verdict and the time of its health round, keeping its id', async () => {
    const trigger: FailoverTrigger = {
      kind: 'verdict',
      id: 'health:database:t',
      component: 'database',
      status: 'degraded',
      flapping: true,
      at: T0 - 20_000,
    };
    expect(await resolveTrigger(trigger, new FixedObserver(dbHealth()), () => T0)).toEqual({
      event: {
        kind: 'health',
        id: 'health:database:t',
        component: 'database',
        health: dbHealth(),
        observedAt: T0 - 20_000,
        verdict: { status: 'degraded', flapping: true, at: T0 - 20_000 },
      },
      note: 'health verdict degraded (flapping); primary db-1 observed healthy',
    });
  });

  test('an alarm is passed on without observing: the service observes it under the lock', async () => {
    const observer = new FixedObserver(downDb);
    const observe = jest.spyOn(observer, 'observe');
    const trigger: FailoverTrigger = {
      kind: 'alarm',
      id: 'alarm:aurora-cpu:t',
      component: 'database',
      alarmName: 'aurora-cpu',
      alarmState: 'ALARM',
    };
    expect(await resolveTrigger(trigger, observer, () => T0)).toEqual({
      event: {
        kind: 'alarm',
        id: 'alarm:aurora-cpu:t',
        component: 'database',
        alarmName: 'aurora-cpu',
        alarmState: 'ALARM',
      },
      note: 'alarm aurora-cpu ALARM',
    });
    expect(observe).not.toHaveBeenCalled();
  });

  test('an observer failure (throttling) propagates, so the delivery is retried', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    const observer = { observe: () => Promise.reject(throttled) };
    const trigger: FailoverTrigger = { kind: 'observe', id: 's', component: 'database' };
    await expect(resolveTrigger(trigger, observer, () => T0)).rejects.toBe(throttled);
  });
});
