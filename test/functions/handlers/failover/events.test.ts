import { ComponentNotConfiguredError } from '../../../../functions/core/failover/ports';
import { parseFailoverEnvironment } from '../../../../functions/handlers/failover/config';
import {
  parseInvocation,
  UnknownComponentError,
  UnsupportedEventError,
} from '../../../../functions/handlers/failover/events';
import { InputError } from '../../../../functions/shared/errors';
import { alarmChanged, command, ENV, healthChanged, scheduled } from './support';

const config = parseFailoverEnvironment(ENV);
const withoutDns = parseFailoverEnvironment({ ...ENV, HEALTH_CHECK_ID: undefined });

describe('parseInvocation: health verdicts', () => {
  test('maps the health component to its failover component, with an id and a time from the verdict', () => {
    expect(parseInvocation(healthChanged('api', 'down'), config)).toEqual({
      kind: 'triggers',
      source: 'health',
      triggers: [
        {
          kind: 'verdict',
          id: 'health:api:2026-01-01T12:00:00.000Z',
          component: 'dns',
          status: 'down',
          flapping: false,
          at: Date.parse('2026-01-01T12:00:00.000Z'),
        },
      ],
    });
    expect(parseInvocation(healthChanged('database', 'healthy'), config)).toMatchObject({
      triggers: [{ component: 'database', status: 'healthy' }],
    });
  });

  test('reads a flapping check in the verdict as flapping, and a verdict without checks as not', () => {
    const withChecks = (checks: unknown) => ({
      ...healthChanged('database', 'degraded'),
      detail: { component: 'database', status: 'degraded', at: '2026-01-01T12:00:00.000Z', checks },
    });
    const flappingOf = (event: unknown) => {
      const invocation = parseInvocation(event, config);
      if (invocation.kind !== 'triggers') throw new Error(`got ${invocation.kind}`);
      const trigger = invocation.triggers[0]!;
      return trigger.kind === 'verdict' && trigger.flapping;
    };
    expect(
      flappingOf(
        withChecks([
          { id: 'a', status: 'healthy' },
          { id: 'b', status: 'flapping' },
        ]),
      ),
    ).toBe(true);
    expect(flappingOf(withChecks([{ id: 'a', status: 'unhealthy' }]))).toBe(false);
    expect(flappingOf(withChecks(undefined))).toBe(false);
  });

  test('gives a redelivered or re-published verdict the same id, a new verdict a new one', () => {
    const id = (event: unknown) => {
      const invocation = parseInvocation(event, config);
      if (invocation.kind !== 'triggers') throw new Error(`got ${invocation.kind}`);
      return invocation.triggers[0]!.id;
    };
    const first = healthChanged('cache', 'down', '2026-01-01T12:00:00.000Z');
    const again = healthChanged('cache', 'down', '2026-01-01T12:00:00.000Z');
    expect(first.id).not.toBe(again.id);
    expect(id(again)).toBe(id(first));
    expect(id(healthChanged('cache', 'down', '2026-01-01T12:00:10.000Z'))).not.toBe(id(first));
  });

  test('refuses a component missing from COMPONENT_MAP, naming it and the mapped ones', () => {
    const event = healthChanged('control-plane', 'down');
    expect(() => parseInvocation(event, config)).toThrow(UnknownComponentError);
    expect(() => parseInvocation(event, config)).toThrow(
      'health component "control-plane" is not in COMPONENT_MAP (mapped: api, database, cache)',
    );
  });

  test('refuses a component whose resource is not configured', () => {
    expect(() => parseInvocation(healthChanged('api', 'down'), withoutDns)).toThrow(
      ComponentNotConfiguredError,
    );
    expect(() => parseInvocation(healthChanged('api', 'down'), withoutDns)).toThrow(
      'no dns resource is configured for failover',
    );
  });

  test('refuses a malformed verdict, naming the field', () => {
    expect(() => parseInvocation(healthChanged('api', 'sideways'), config)).toThrow(UnsupportedEventError);
    expect(() => parseInvocation(healthChanged('api', 'down', 'yesterday'), config)).toThrow(/detail\.at/);
  });
});

describe('parseInvocation: alarm state changes', () => {
  test('maps the alarm to its component with an id from the state change', () => {
    expect(parseInvocation(alarmChanged('aurora-lag', 'ALARM'), config)).toEqual({
      kind: 'triggers',
      source: 'alarm',
      triggers: [
        {
          kind: 'alarm',
          id: 'alarm:aurora-lag:2026-01-01T12:00:00.000+0000',
          component: 'database',
          alarmName: 'aurora-lag',
          alarmState: 'ALARM',
        },
      ],
    });
    expect(parseInvocation(alarmChanged('unhealthy-hosts', 'OK'), config)).toMatchObject({
      triggers: [{ component: 'dns', alarmState: 'OK' }],
    });
  });

  test('gives a redelivered state change the same id', () => {
    const a = parseInvocation(alarmChanged('aurora-cpu', 'ALARM'), config);
    const b = parseInvocation(alarmChanged('aurora-cpu', 'ALARM'), config);
    expect(a).toEqual(b);
  });

  test('ignores INSUFFICIENT_DATA: it is no verdict', () => {
    expect(parseInvocation(alarmChanged('aurora-cpu', 'INSUFFICIENT_DATA'), config)).toEqual({
      kind: 'ignored',
      reason: 'alarm aurora-cpu has insufficient data: not a verdict',
    });
  });

  test('refuses an alarm that is not in ALARM_COMPONENTS, or whose component is not configured', () => {
    expect(() => parseInvocation(alarmChanged('redis-cpu', 'ALARM'), config)).toThrow(
      new UnknownComponentError('alarm "redis-cpu" is not in ALARM_COMPONENTS'),
    );
    const noDnsAlarm = parseFailoverEnvironment({
      ...ENV,
      HEALTH_CHECK_ID: undefined,
      ALARM_COMPONENTS: JSON.stringify({ dns: ['unhealthy-hosts'] }),
    });
    expect(() => parseInvocation(alarmChanged('unhealthy-hosts', 'ALARM'), noDnsAlarm)).toThrow(
      ComponentNotConfiguredError,
    );
  });
});

describe('parseInvocation: schedule and commands', () => {
  test('observes every configured component once per tick, with ids from the tick', () => {
    expect(parseInvocation(scheduled('2026-01-01T12:01:00Z'), config)).toEqual({
      kind: 'triggers',
      source: 'schedule',
      triggers: [
        { kind: 'observe', id: 'schedule:dns:2026-01-01T12:01:00Z', component: 'dns' },
        { kind: 'observe', id: 'schedule:database:2026-01-01T12:01:00Z', component: 'database' },
        { kind: 'observe', id: 'schedule:cache:2026-01-01T12:01:00Z', component: 'cache' },
      ],
    });
    expect(parseInvocation(scheduled(), withoutDns)).toMatchObject({
      triggers: [{ component: 'database' }, { component: 'cache' }],
    });
  });

  test('takes anything without an EventBridge envelope for a command', () => {
    expect(parseInvocation(command(), config)).toEqual({
      kind: 'command',
      event: {
        kind: 'command',
        id: 'command:req-1',
        component: 'database',
        command: 'failover',
        dryRun: false,
        reason: 'writer AZ degraded',
        requestedBy: 'alice',
      },
    });
    expect(() => parseInvocation({ hello: 'world' }, config)).toThrow(InputError);
  });

  test('refuses EventBridge events it has no trigger for', () => {
    const event = {
      ...scheduled(),
      source: 'aws.ec2',
      'detail-type': 'EC2 Instance State-change Notification',
    };
    expect(() => parseInvocation(event, config)).toThrow(
      new UnsupportedEventError(
        'no failover trigger for EventBridge events "EC2 Instance State-change Notification" from aws.ec2',
      ),
    );
  });
});
