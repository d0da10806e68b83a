import { randomUUID } from 'node:crypto';
import { GetMetricDataCommand, type MetricDataQuery, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import type { AwsClients } from '../account/aws-clients';
import type { DeployedResource } from '../account/deployment';
import type { PlatformModel } from '../account/platform-model';
import type { EventBus } from './event-bus';
import type { Scheduler } from './scheduler';
import type { SnsRouter } from './sns-router';

/** An alarm's state, as CloudWatch keeps it. */
export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** One state change of an alarm. */
export interface AlarmTransition {
  readonly at: number;
  readonly alarmName: string;
  readonly from: AlarmStateValue;
  readonly to: AlarmStateValue;
  readonly reason: string;
}

interface AlarmState {
  value: AlarmStateValue;
  reason: string;
  timestamp: number;
}

type Props = Record<string, unknown>;
// CloudWatch evaluates a little after the minute, once the last period's datapoints are in.
const EVALUATION_DELAY_MS = 10_000;

const BREACHES: Record<string, (value: number, threshold: number) => boolean> = {
  GreaterThanThreshold: (v, t) => v > t,
  GreaterThanOrEqualToThreshold: (v, t) => v >= t,
  LessThanThreshold: (v, t) => v < t,
  LessThanOrEqualToThreshold: (v, t) => v <= t,
};

/** `2026-01-01T00:00:00.000+0000`, CloudWatch's timestamp format in alarm events. */
function cloudWatchTime(time: number): string {
  return new Date(time).toISOString().replace('Z', '+0000');
}

/**
 * CloudWatch alarms on the virtual clock: every minute each single-metric alarm of the template
 * is evaluated against the emulator's metrics (`EvaluationPeriods`, `DatapointsToAlarm`,
 * `TreatMissingData`, the comparison), and every state change is stored in the emulator
 * (`SetAlarmState`), put on the event bus as a "CloudWatch Alarm State Change", and published to
 * the alarm's actions for the new state, with CloudWatch's notification message. Metric-math
 * alarms are not evaluated: a scenario sets them with {@link setState}.
 */
export class AlarmEvaluator {
  private readonly states = new Map<string, AlarmState>();
  readonly transitions: AlarmTransition[] = [];

  constructor(
    private readonly scheduler: Scheduler,
    private readonly model: PlatformModel,
    private readonly emulator: AwsClients,
    private readonly bus: EventBus,
    private readonly sns: SnsRouter,
    private readonly account: { readonly accountId: string; readonly region: string },
  ) {}

  /** The alarm deployed from `logicalId`'s name. */
  nameOf(logicalId: string): string {
    return this.model.deployment.get(logicalId).physicalId;
  }

  /** The current state of every alarm; the platform starts in a steady state with all `OK`. */
  state(alarmName: string): AlarmStateValue {
    return this.states.get(alarmName)?.value ?? 'OK';
  }

  /**
   * Starts in a steady state (every alarm `OK`: the platform was running normally before), then
   * evaluates every minute from the next one.
   */
  start(): void {
    const now = this.scheduler.clock.now();
    this.scheduler.every(
      Math.floor(now / 60_000) * 60_000 + 60_000 + EVALUATION_DELAY_MS,
      60_000,
      'alarm evaluation',
      () => this.evaluate(),
    );
  }

  /** Sets an alarm's state as `SetAlarmState` does, with the events and actions a change brings. */
  async setState(alarmName: string, value: AlarmStateValue, reason: string): Promise<void> {
    const alarm = this.model.alarms.find((a) => a.physicalId === alarmName);
    if (!alarm) throw new Error(`no alarm named ${alarmName}`);
    await this.change(alarm, value, reason);
  }

  /** One evaluation of every single-metric alarm. */
  async evaluate(): Promise<void> {
    const end = Math.floor(this.scheduler.clock.now() / 60_000) * 60_000;
    const alarms = this.model.alarms.filter((a) => a.properties.MetricName !== undefined);
    const queries: MetricDataQuery[] = alarms.map((alarm, index) => {
      const p = alarm.properties;
      return {
        Id: `a${index}`,
        ReturnData: true,
        MetricStat: {
          Metric: {
            Namespace: String(p.Namespace),
            MetricName: String(p.MetricName),
            Dimensions: ((p.Dimensions ?? []) as Props[]).map((d) => ({
              Name: String(d.Name),
              Value: String(d.Value),
            })),
          },
          Period: Number(p.Period ?? 60),
          Stat: String(p.ExtendedStatistic ?? p.Statistic ?? 'Average'),
        },
      };
    });
    const longest = Math.max(
      ...alarms.map((a) => Number(a.properties.Period ?? 60) * Number(a.properties.EvaluationPeriods ?? 1)),
    );
    const values = new Map<string, Map<number, number>>();
    for (let start = 0; start < queries.length; start += 500) {
      const response = await this.emulator.cloudWatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(end - longest * 1000),
          EndTime: new Date(end),
          MetricDataQueries: queries.slice(start, start + 500),
        }),
      );
      for (const result of response.MetricDataResults ?? []) {
        const points = new Map<number, number>();
        for (const [i, time] of (result.Timestamps ?? []).entries())
          points.set(time.getTime(), result.Values![i]!);
        values.set(result.Id!, points);
      }
    }
    for (const [index, alarm] of alarms.entries()) {
      const verdict = this.judge(alarm.properties, values.get(`a${index}`) ?? new Map(), end);
      if (verdict && verdict.value !== this.state(alarm.physicalId))
        await this.change(alarm, verdict.value, verdict.reason);
    }
  }

  private judge(
    p: Props,
    points: Map<number, number>,
    end: number,
  ): { value: AlarmStateValue; reason: string } | undefined {
    const period = Number(p.Period ?? 60) * 1000;
    const evaluationPeriods = Number(p.EvaluationPeriods ?? 1);
    const needed = Number(p.DatapointsToAlarm ?? evaluationPeriods);
    const threshold = Number(p.Threshold);
    const breaches = BREACHES[String(p.ComparisonOperator)];
    if (!breaches) return undefined;
    const treat = String(p.TreatMissingData ?? 'missing');
    const window: (number | undefined)[] = [];
    for (let i = evaluationPeriods; i >= 1; i--) {
      const start = end - i * period;
      const inPeriod = [...points.entries()]
        .filter(([t]) => t >= start && t < start + period)
        .map(([, v]) => v);
      window.push(inPeriod.length > 0 ? inPeriod[inPeriod.length - 1] : undefined);
    }
    const present = window.filter((v): v is number => v !== undefined);
    const missing = window.length - present.length;
    const breaching =
      present.filter((v) => breaches(v, threshold)).length + (treat === 'breaching' ? missing : 0);
    const shown = present.map((v) => Number(v.toFixed(2))).join(', ');
    if (breaching >= needed) {
      return {
        value: 'ALARM',
        reason: `Threshold Crossed: ${breaching} out of the last ${evaluationPeriods} datapoints [${shown}] were ${String(
          p.ComparisonOperator,
        )
          .replace(/([A-Z])/g, ' $1')
          .trim()
          .toLowerCase()} (${threshold}).`,
      };
    }
    if (present.length === 0) {
      if (treat === 'missing')
        return { value: 'INSUFFICIENT_DATA', reason: 'Insufficient Data: no datapoints were received.' };
      if (treat === 'ignore') return undefined;
    }
    return {
      value: 'OK',
      reason: `Threshold Crossed: ${evaluationPeriods - breaching} out of the last ${evaluationPeriods} datapoints [${shown}] were not breaching (${threshold}).`,
    };
  }

  private async change(alarm: DeployedResource, value: AlarmStateValue, reason: string): Promise<void> {
    const name = alarm.physicalId;
    const previous = this.states.get(name) ?? { value: 'OK' as const, reason: '', timestamp: 0 };
    const now = this.scheduler.clock.now();
    const next: AlarmState = { value, reason, timestamp: now };
    this.states.set(name, next);
    this.transitions.push({ at: now, alarmName: name, from: previous.value, to: value, reason });
    await this.emulator.cloudWatch.send(
      new SetAlarmStateCommand({ AlarmName: name, StateValue: value, StateReason: reason }),
    );
    const p = alarm.properties;
    const arn = String(alarm.attributes.Arn);
    this.bus.put({
      source: 'aws.cloudwatch',
      detailType: 'CloudWatch Alarm State Change',
      resources: [arn],
      time: now,
      detail: {
        alarmName: name,
        state: { value, reason, timestamp: cloudWatchTime(now) },
        previousState: {
          value: previous.value,
          reason: previous.reason,
          timestamp: cloudWatchTime(previous.timestamp),
        },
        configuration: { description: p.AlarmDescription ?? '' },
      },
    });
    const actions = ((value === 'ALARM'
      ? p.AlarmActions
      : value === 'OK'
        ? p.OKActions
        : p.InsufficientDataActions) ?? []) as string[];
    if (p.ActionsEnabled === false) return;
    const message = JSON.stringify({
      AlarmName: name,
      AlarmDescription: p.AlarmDescription ?? null,
      AWSAccountId: this.account.accountId,
      AlarmConfigurationUpdatedTimestamp: cloudWatchTime(now),
      NewStateValue: value,
      NewStateReason: reason,
      StateChangeTime: cloudWatchTime(now),
      Region: 'US East (N. Virginia)',
      AlarmArn: arn,
      OldStateValue: previous.value,
      OKActions: p.OKActions ?? [],
      AlarmActions: p.AlarmActions ?? [],
      InsufficientDataActions: p.InsufficientDataActions ?? [],
      Trigger: {
        MetricName: p.MetricName,
        Namespace: p.Namespace,
        StatisticType: 'Statistic',
        Statistic: String(p.Statistic ?? '').toUpperCase(),
        Dimensions: ((p.Dimensions ?? []) as Props[]).map((d) => ({ value: d.Value, name: d.Name })),
        Period: p.Period,
        EvaluationPeriods: p.EvaluationPeriods,
        DatapointsToAlarm: p.DatapointsToAlarm,
        ComparisonOperator: p.ComparisonOperator,
        Threshold: p.Threshold,
        TreatMissingData: p.TreatMissingData ?? 'missing',
      },
    });
    for (const topicArn of actions) {
      this.sns.publish({
        topicArn,
        messageId: randomUUID(),
        subject: `${value}: "${name}" in US East (N. Virginia)`.slice(0, 100),
        message,
        attributes: {},
        publisher: 'cloudwatch',
      });
    }
  }
}
