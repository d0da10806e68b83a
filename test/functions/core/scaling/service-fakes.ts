import type { Hold } from '../../../../functions/core/alerting/silences';
import { defaultPolicyInput } from '../../../../functions/core/scaling/default-policy';
import { parsePolicySet } from '../../../../functions/core/scaling/policy-schema';
import type {
  AlertHolds,
  DecisionRecord,
  FailureRecord,
  GroupSnapshot,
  MetricRead,
  MetricRequest,
  MetricSource,
  ScalingDeps,
  ScalingGroup,
  ScalingHistory,
  ScalingNotifier,
  ScalingStateStore,
  StoredPolicy,
} from '../../../../functions/core/scaling/ports';
import type {
  GroupState,
  MetricSeries,
  ScalingActivity,
  ScalingDecision,
} from '../../../../functions/core/scaling/types';
import { manualClock, memoryIdempotency, memoryLock } from '../../../support/memory-coordination';

/** In-memory ports for the scaling service, each recording what it was asked. */

export const NOW = Date.parse('2024-03-04T12:00:00Z');
export const GROUP = 'misybot-fleet';
export const defaultPolicy = parsePolicySet(defaultPolicyInput);

/** A group of `desired` warmed-up in-service instances within [min, max]. */
export function groupOf(desired: number, min = 2, max = 40): GroupState {
  return {
    minCapacity: min,
    maxCapacity: max,
    desiredCapacity: desired,
    instances: Array.from({ length: desired }, (_, i) => ({
      id: `i-${i}`,
      launchTime: NOW - 3_600_000,
      lifecycleState: 'InService' as const,
    })),
  };
}

export class FakeGroup implements ScalingGroup {
  readonly reads: number[] = [];
  readonly sets: number[] = [];
  activities: ScalingActivity[] = [];
  readError?: Error;
  setError?: Error;
  /** When set, `read` waits for it: lets a test hold a run inside the lock. */
  gate?: Promise<void>;

  constructor(public state: GroupState) {}

  async read(since: number): Promise<GroupSnapshot> {
    this.reads.push(since);
    await this.gate;
    if (this.readError) throw this.readError;
    return { group: this.state, activities: this.activities };
  }

  async setDesiredCapacity(capacity: number): Promise<void> {
    if (this.setError) throw this.setError;
    this.sets.push(capacity);
  }
}

/** Every in-service instance reports `values[name]` a minute ago. */
export class FakeMetrics implements MetricSource {
  readonly requests: MetricRequest[] = [];
  readError?: Error;
  /** Metrics to leave out and report as skipped, as a partial CloudWatch read would. */
  partial = new Set<string>();

  constructor(public values: Record<string, number>) {}

  supports(name: string): boolean {
    return ['cpu', 'memory', 'requestCount', 'requestsPerTarget'].includes(name);
  }

  async read(request: MetricRequest): Promise<MetricRead> {
    this.requests.push(request);
    if (this.readError) throw this.readError;
    const series: MetricSeries[] = [];
    const skipped = [];
    for (const name of request.names) {
      if (this.partial.has(name)) {
        skipped.push({
          source: name,
          reason: 'CloudWatch returned incomplete data for 1 series: i-0: PartialData',
        });
        continue;
      }
      const value = this.values[name];
      if (value === undefined) continue;
      series.push({
        name,
        byInstance: Object.fromEntries(
          request.instances.map((i) => [i.id, [{ timestamp: request.end - 60_000, value }]]),
        ),
      });
    }
    return { series, skipped };
  }
}

/** The recommendations and the actions of recorded decisions, as the state store reads them back. */
export function historyOf(decisions: readonly DecisionRecord[]): Omit<ScalingHistory, 'saturationWarnedAt'> {
  return {
    recommendations: decisions.map((d) => ({
      time: d.decision.time,
      recommendation: d.decision.recommendation,
    })),
    actions: decisions
      .filter((d) => d.action === 'scaled')
      .map((d) => ({
        startTime: d.decision.time,
        fromCapacity: d.decision.current,
        toCapacity: d.decision.desired,
      })),
  };
}

export class MemoryScalingState implements ScalingStateStore {
  override?: StoredPolicy;
  readonly decisions: DecisionRecord[] = [];
  readonly failures: FailureRecord[] = [];
  intended?: ScalingActivity;
  historyError?: Error;
  recordError?: Error;
  intentError?: Error;

  async loadPolicyOverride(): Promise<StoredPolicy | undefined> {
    return this.override;
  }

  async loadHistory(_group: string, since: number): Promise<ScalingHistory> {
    if (this.historyError) throw this.historyError;
    const latest = this.decisions.at(-1);
    return {
      ...historyOf(this.decisions.filter((d) => d.decision.time > since)),
      ...(latest?.saturationWarnedAt === undefined ? {} : { saturationWarnedAt: latest.saturationWarnedAt }),
      ...(this.intended !== undefined && this.intended.startTime > since
        ? { intendedChange: this.intended }
        : {}),
    };
  }

  async recordIntent(_group: string, change: ScalingActivity): Promise<void> {
    if (this.intentError) throw this.intentError;
    this.intended = change;
  }

  async recordDecision(_group: string, record: DecisionRecord): Promise<void> {
    if (this.recordError) throw this.recordError;
    this.decisions.push(record);
  }

  async recordFailure(_group: string, failure: FailureRecord): Promise<void> {
    if (this.recordError) throw this.recordError;
    this.failures.push(failure);
  }
}

export class FakeNotifier implements ScalingNotifier {
  readonly scaledDecisions: ScalingDecision[] = [];
  readonly saturatedDecisions: ScalingDecision[] = [];
  error?: Error;

  async scaled(_group: string, decision: ScalingDecision): Promise<void> {
    if (this.error) throw this.error;
    this.scaledDecisions.push(decision);
  }

  async saturated(_group: string, decision: ScalingDecision): Promise<void> {
    if (this.error) throw this.error;
    this.saturatedDecisions.push(decision);
  }
}

export class FakeHolds implements AlertHolds {
  readonly holds: Hold[] = [];
  error?: Error;

  async setHold(hold: Hold): Promise<void> {
    if (this.error) throw this.error;
    this.holds.push(hold);
  }
}

/** The service's ports, all in memory, on a clock the test moves; `settings` may be overridden. */
export function fakeDeps(
  options: { group?: GroupState; metrics?: Record<string, number>; dryRun?: boolean } = {},
) {
  const group = new FakeGroup(options.group ?? groupOf(4));
  const metrics = new FakeMetrics(options.metrics ?? { cpu: 60, memory: 50 });
  const state = new MemoryScalingState();
  const notifier = new FakeNotifier();
  const holds = new FakeHolds();
  const clock = manualClock(NOW);
  const lock = memoryLock();
  const idempotency = memoryIdempotency(clock.now);
  const deps: ScalingDeps = {
    group,
    metrics,
    state,
    notifier,
    holds,
    run: { idempotency, lock, clock: clock.now, sleep: clock.sleep, random: () => 0.5 },
    settings: { groupName: GROUP, defaultPolicy, dryRun: options.dryRun ?? false },
  };
  return { deps, group, metrics, state, notifier, holds, clock, lock, idempotency };
}

export const throttled = () =>
  Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $metadata: { httpStatusCode: 400 },
  });
