import type { RegionAction } from '../../../../functions/core/failover/region/types';
import { parseRegionEnvironment } from '../../../../functions/handlers/region-failover/config';
import { createRegionHandler } from '../../../../functions/handlers/region-failover/handler';
import { ConfigError } from '../../../../functions/shared/errors';
import { resources } from '../../adapters/aws/region/fixtures';
import { runDeps } from '../../core/failover/fakes';
import { observation, settings, T0 } from '../../core/failover/region/fixtures';

const environment = {
  STATE_TABLE: 'state',
  CRITICAL_TOPIC_ARN: 'arn:aws:sns:eu-central-1:123456789012:critical',
  WARNING_TOPIC_ARN: 'arn:aws:sns:eu-central-1:123456789012:warning',
  INFO_TOPIC_ARN: 'arn:aws:sns:eu-central-1:123456789012:info',
  REGIONS: JSON.stringify({
    primary: { region: 'eu-west-1' },
    secondary: { region: 'eu-central-1', databaseReaders: 0 },
  }),
  ACTIVE_CAPACITY: '4',
  RESOURCES: JSON.stringify(resources),
};

function wiring() {
  const executed: RegionAction[] = [];
  const saved: unknown[] = [];
  const handler = createRegionHandler({
    deps: {
      store: {
        load: async () => undefined,
        save: async (state, expected) => {
          saved.push(state);
          return { ...state, version: expected + 1 };
        },
      },
      observer: { observe: async () => observation(T0) },
      actions: {
        execute: async (action) => {
          executed.push(action);
          return { ok: true };
        },
      },
      notifier: { send: async () => undefined },
      run: runDeps({ now: () => T0, advance: () => undefined }),
      clock: () => T0,
    },
    settings,
    log: { info: () => undefined, warn: () => undefined },
  });
  return { handler, executed, saved };
}

/** What the handler reads of Lambda's context: a 15-minute function at its start. */
const lambdaContext = (awsRequestId: string) => ({ awsRequestId, getRemainingTimeInMillis: () => 900_000 });

describe('region failover function', () => {
  it('reads its environment, with the standby region as home and a headless standby', () => {
    const config = parseRegionEnvironment(environment);
    expect(config.home).toBe('eu-central-1');
    expect(config.settings).toMatchObject({
      primaryRegion: 'eu-west-1',
      activeCapacity: 4,
      headlessStandby: true,
    });
  });

  it('names each broken variable and field', () => {
    try {
      parseRegionEnvironment({ ...environment, REGIONS: '{', ACTIVE_CAPACITY: '0' });
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([
        'REGIONS: must be JSON, got "{"',
        expect.stringMatching(/^ACTIVE_CAPACITY: .*1/),
      ]);
    }
  });

  it('runs a command as a dry run unless it says execute', async () => {
    const { handler, executed } = wiring();
    const response = await handler(
      { kind: 'command', id: 'cmd-00001', command: 'drill', reason: 'game day', requestedBy: 'sre' },
      lambdaContext('r1'),
    );
    expect(response).toMatchObject({
      ok: true,
      status: 'dry-run',
      decision: { verdict: 'start', kind: 'drill' },
    });
    expect(executed).toEqual([]);
  });

  it('executes a switchover when asked and returns its timeline', async () => {
    const { handler, executed } = wiring();
    const response = await handler(
      {
        kind: 'command',
        id: 'cmd-00002',
        command: 'switchover',
        execute: true,
        reason: 'maintenance',
        requestedBy: 'sre',
      },
      lambdaContext('r2'),
    );
    expect(response).toMatchObject({
      ok: true,
      status: 'executed',
      timelineText: expect.stringMatching(/RPO 0 s/),
    });
    expect(executed.map((action) => action.kind)).toContain('switchover-database');
  });

  it('observes on the schedule', async () => {
    const { handler, saved } = wiring();
    const response = await handler(
      { source: 'aws.events', id: 'evt-1', 'detail-type': 'Scheduled Event' },
      lambdaContext('r3'),
    );
    expect(response).toMatchObject({ ok: true, status: 'decided', decision: { verdict: 'steady' } });
    expect(saved).toHaveLength(1);
  });

  it('rejects an unknown command with the field and no internals', async () => {
    const { handler } = wiring();
    await expect(
      handler(
        { kind: 'command', id: 'cmd-00003', command: 'explode', reason: 'x!!', requestedBy: 'sre' },
        lambdaContext('r4'),
      ),
    ).resolves.toEqual({
      ok: false,
      error: 'invalid event',
      problems: [expect.stringMatching(/^command: .*switchover.*got "explode"$/)],
    });
  });
});
