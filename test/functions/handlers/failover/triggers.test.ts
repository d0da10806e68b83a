import type { Trigger } from '../../../../functions/handlers/failover/events';
import { resolveTrigger, withVerdict } from '../../../../functions/handlers/failover/triggers';
import { cacheHealth, dbHealth, dnsHealth } from '../../core/failover/fixtures';
import { ComponentObserver } from './support';

const downDb = dbHealth({ primary: { healthy: false } });

describe('withVerdict', () => {
  test('a "down" verdict makes the primary unhealthy whatever its status API says', () => {
    expect(withVerdict(dbHealth(), 'down')).toEqual(downDb);
  });

  test('a "down" verdict on the public path is not the primary\'s while users are sent to the standby', () => {
    const pinned = { ...dnsHealth(true), usersReachPrimary: false };
    expect(withVerdict(pinned, 'down')).toEqual(pinned);
    expect(withVerdict({ ...pinned, usersReachPrimary: true }, 'down').primary.healthy).toBe(false);
  });

  test.each(['healthy', 'degraded', 'unknown'] as const)(
    '"%s" leaves the observation to decide',
    (status) => {
      expect(withVerdict(dbHealth(), status)).toEqual(dbHealth());
      expect(withVerdict(downDb, status)).toEqual(downDb);
    },
  );
});

describe('resolveTrigger', () => {
  test('a scheduled observation becomes a health event with what the observer saw', async () => {
    const observer = new ComponentObserver({ cache: cacheHealth(false) });
    const trigger: Trigger = { kind: 'observe', id: 'schedule:cache:t', component: 'cache' };
    expect(await resolveTrigger(trigger, observer)).toEqual({
      event: { kind: 'health', id: 'schedule:cache:t', component: 'cache', health: cacheHealth(false) },
      note: 'scheduled observation',
    });
  });

  test('a verdict becomes a health event on the observed standbys, keeping its id', async () => {
    const observer = new ComponentObserver({ database: dbHealth() });
    const trigger: Trigger = {
      kind: 'verdict',
      id: 'health:database:t',
      component: 'database',
      status: 'down',
    };
    expect(await resolveTrigger(trigger, observer)).toEqual({
      event: { kind: 'health', id: 'health:database:t', component: 'database', health: downDb },
      note: 'health verdict down; primary db-1 counted unhealthy',
    });
  });

  test('a healthy verdict on a primary observed unhealthy counts it unhealthy', async () => {
    const observer = new ComponentObserver({ dns: dnsHealth(false) });
    const trigger: Trigger = { kind: 'verdict', id: 'health:api:t', component: 'dns', status: 'healthy' };
    const { event } = await resolveTrigger(trigger, observer);
    expect(event).toEqual({
      kind: 'health',
      id: 'health:api:t',
      component: 'dns',
      health: dnsHealth(false),
    });
  });

  const alarm = (alarmState: 'ALARM' | 'OK'): Trigger => ({
    kind: 'alarm',
    id: 'alarm:aurora-cpu:t',
    component: 'database',
    alarmName: 'aurora-cpu',
    alarmState,
  });

  test('an ALARM confirmed by the observer is passed on as an alarm', async () => {
    const observer = new ComponentObserver({ database: downDb });
    expect(await resolveTrigger(alarm('ALARM'), observer)).toEqual({
      event: {
        kind: 'alarm',
        id: 'alarm:aurora-cpu:t',
        component: 'database',
        alarmName: 'aurora-cpu',
        alarmState: 'ALARM',
      },
      note: 'alarm aurora-cpu confirmed: primary db-1 observed unhealthy',
    });
  });

  test('an ALARM on a primary observed healthy is only a healthy check', async () => {
    const observer = new ComponentObserver({ database: dbHealth() });
    expect(await resolveTrigger(alarm('ALARM'), observer)).toEqual({
      event: { kind: 'health', id: 'alarm:aurora-cpu:t', component: 'database', health: dbHealth() },
      note: 'alarm aurora-cpu not confirmed: primary db-1 observed healthy, counted as a healthy check',
    });
  });

  test('an OK is passed on without observing', async () => {
    const observer = new ComponentObserver({});
    const { event } = await resolveTrigger(alarm('OK'), observer);
    expect(event).toMatchObject({ kind: 'alarm', alarmState: 'OK' });
    expect(observer.calls).toEqual([]);
  });

  test('an observer failure (throttling) propagates, so the delivery is retried', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    const observer = new ComponentObserver({ database: throttled });
    await expect(resolveTrigger(alarm('ALARM'), observer)).rejects.toBe(throttled);
  });
});
