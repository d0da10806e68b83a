import type { Hold, HoldReason } from '../../../../functions/core/alerting/silences';
import type { HoldWriter } from '../../../../functions/core/failover/holds';
import type { HealthObserver } from '../../../../functions/core/failover/ports';
import type { Component, HealthSnapshot } from '../../../../functions/core/failover/types';
import type { StructuredLog } from '../../../../functions/core/log';
import type { SingleMetricSink } from '../../../../functions/core/metrics-sink';
import { parseFailoverEnvironment } from '../../../../functions/handlers/failover/config';
import { createFailoverHandler } from '../../../../functions/handlers/failover/handle';
import { memoryIdempotency } from '../../../support/memory-coordination';
import {
  InMemoryLock,
  InMemoryStore,
  RecordingNotifier,
  runDeps,
  ScriptedActions,
  SimulatedClock,
} from '../../core/failover/fakes';
import { cacheHealth, dbHealth, dnsHealth, T0 } from '../../core/failover/fixtures';

/** The environment the CDK construct gives the function, with a test-friendly threshold of 2. */
export const ENV: NodeJS.ProcessEnv = {
  STATE_TABLE: 'misybot-state',
  CRITICAL_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:critical',
  WARNING_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:warning',
  INFO_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:info',
  FAILOVER_SETTINGS: JSON.stringify({ failureThreshold: 2, minSecondsBetweenFailovers: 0 }),
  COMPONENT_MAP: JSON.stringify({ api: 'dns', database: 'database', cache: 'cache' }),
  ALARM_COMPONENTS: JSON.stringify({ dns: ['unhealthy-hosts'], database: ['aurora-cpu', 'aurora-lag'] }),
  HEALTH_CHECK_ID: 'hc-0123',
  DB_CLUSTER_ID: 'misybot-aurora',
  REPLICATION_GROUP_ID: 'misybot-cache',
};

/** Health per component; a component set to an Error makes `observe` throw it. */
export class ComponentObserver implements HealthObserver {
  readonly calls: Component[] = [];

  constructor(readonly health: Partial<Record<Component, HealthSnapshot | Error>>) {}

  async observe(component: Component): Promise<HealthSnapshot> {
    this.calls.push(component);
    const health = this.health[component];
    if (health === undefined) throw new Error(`no health scripted for ${component}`);
    if (health instanceof Error) throw health;
    return health;
  }
}

/**
 * Collects the EMF metrics the handler emits: the engine's as `[component, name, unit, value]`,
 * the run records' (`ControlRuns` by `Status`, coordination problems) as `[status or '', name]`.
 */
export class RecordingMetrics implements SingleMetricSink {
  readonly emitted: [string, string, string, number][] = [];
  readonly runs: [string, string][] = [];

  singleMetric() {
    return {
      addDimension: (name: string, value: string) => ({
        addDimension: (): never => {
          throw new Error('the failover metrics carry one dimension each');
        },
        addMetric: (metric: string, unit: string, amount: number) => {
          if (name === 'Status') this.runs.push([value, metric]);
          else if (name === 'Component') this.emitted.push([value, metric, unit, amount]);
          else throw new Error(`unexpected dimension ${name}`);
        },
      }),
      addMetric: (metric: string) => {
        this.runs.push(['', metric]);
      },
    };
  }
}

export class RecordingLog implements StructuredLog {
  readonly lines: { level: string; message: string; extra: Record<string, unknown> }[] = [];
  info(message: string, extra: Record<string, unknown>) {
    this.lines.push({ level: 'info', message, extra });
  }
  warn(message: string, extra: Record<string, unknown>) {
    this.lines.push({ level: 'warn', message, extra });
  }
  error(message: string, extra: Record<string, unknown>) {
    this.lines.push({ level: 'error', message, extra });
  }
}

/** Records hold writes in order, with how many resource actions had run by then; can be made to fail. */
export class RecordingHolds implements HoldWriter {
  readonly writes: (
    | { op: 'set'; hold: Hold; actionsBefore: number }
    | { op: 'clear'; component: string; reason: HoldReason }
  )[] = [];
  failWith: Error | undefined;

  constructor(private readonly actionsSoFar: () => number = () => 0) {}

  async setHold(hold: Hold): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.writes.push({ op: 'set', hold, actionsBefore: this.actionsSoFar() });
  }

  async clearHold(component: string, reason: HoldReason): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.writes.push({ op: 'clear', component, reason });
  }
}

/** The handler on in-memory fakes for every port, with healthy components. */
export function harness(env: NodeJS.ProcessEnv = {}) {
  const config = parseFailoverEnvironment({ ...ENV, ...env });
  const clock = new SimulatedClock(T0);
  const store = new InMemoryStore();
  const actions = new ScriptedActions(clock);
  const notifier = new RecordingNotifier();
  const lock = new InMemoryLock();
  const events = memoryIdempotency(clock.now);
  const observer = new ComponentObserver({
    dns: dnsHealth(true),
    database: dbHealth(),
    cache: cacheHealth(),
  });
  const metrics = new RecordingMetrics();
  const log = new RecordingLog();
  const holds = new RecordingHolds(() => actions.calls.length);
  const handler = createFailoverHandler({
    config,
    deps: { store, actions, observer, notifier, run: runDeps(clock, lock, events), clock: clock.now },
    holds,
    metrics,
    log,
  });
  const invoke = (event: unknown, requestId = 'request-1') =>
    handler(event, { awsRequestId: requestId, getRemainingTimeInMillis: () => 600_000 });
  return { config, clock, store, actions, notifier, lock, events, observer, metrics, log, holds, invoke };
}

let deliveries = 0;
const envelope = (source: string, detailType: string, detail: unknown, time = '2026-01-01T12:00:00Z') => ({
  version: '0',
  id: `delivery-${++deliveries}`,
  'detail-type': detailType,
  source,
  account: '123456789012',
  time,
  region: 'eu-west-1',
  resources: [],
  detail,
});

/** A health-engine verdict; a fresh EventBridge delivery id every call, as on redelivery. */
export const healthChanged = (component: string, status: string, at = '2026-01-01T12:00:00.000Z') =>
  envelope('misybot.ha.health', 'Component Health Changed', {
    component,
    status,
    previous: 'healthy',
    at,
    checks: [{ id: `${component}-probe`, status: 'unhealthy' }],
  });

export const alarmChanged = (alarmName: string, value: string, timestamp = '2026-01-01T12:00:00.000+0000') =>
  envelope('aws.cloudwatch', 'CloudWatch Alarm State Change', {
    alarmName,
    state: { value, reason: 'Threshold Crossed', timestamp },
    previousState: { value: 'OK', timestamp: '2026-01-01T11:00:00.000+0000' },
    configuration: { metrics: [] },
  });

export const scheduled = (time = '2026-01-01T12:01:00Z') =>
  envelope('aws.events', 'Scheduled Event', {}, time);

export const command = (overrides: Record<string, unknown> = {}) => ({
  component: 'database',
  action: 'failover',
  dryRun: false,
  reason: 'writer AZ degraded',
  requestedBy: 'alice',
  requestId: 'req-1',
  ...overrides,
});
