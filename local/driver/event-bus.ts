import { createHash, randomUUID } from 'node:crypto';
import type { DeployedRule, PlatformModel } from '../account/platform-model';
import type { AsyncInvoker } from './async-invoker';
import { matchesPattern, ratePeriodMs } from './event-pattern';
import type { ScheduledAction, Scheduler } from './scheduler';

/** An event on the default bus, as EventBridge delivers it to targets. */
export interface BusEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: unknown;
}

/** An event and the rules that took it. */
export interface BusRecord {
  readonly at: number;
  readonly event: BusEvent;
  readonly rules: readonly string[];
}

/** What a caller puts on the bus (PutEvents entry, alarm change, schedule). */
export interface BusEntry {
  readonly source: string;
  readonly detailType: string;
  readonly detail: unknown;
  readonly resources?: readonly string[];
  readonly time?: number;
  readonly id?: string;
}

/** Where in its minute a scheduled rule fires: EventBridge picks an offset per rule. */
export type SchedulePhase = (rule: DeployedRule) => number;

/** A phase from the rule's logical id: the same in every run, different between rules, as in EventBridge. */
export const hashedPhase: SchedulePhase = (rule) => {
  const digest = createHash('sha256').update(rule.logicalId).digest();
  return (digest.readUInt32BE(0) % 60) * 1000;
};

/**
 * The account's default event bus as EventBridge runs it: scheduled rules fire on the virtual
 * clock (`rate(...)` expressions, each rule at its own offset in the period), events put by the
 * functions (`PutEvents`, through the proxy) and by CloudWatch (alarm state changes) are matched
 * against every enabled rule's pattern, and each match goes to the target function through
 * Lambda's asynchronous invocation.
 */
export class EventBus {
  readonly log: BusRecord[] = [];
  private readonly schedules = new Map<string, ScheduledAction>();
  private readonly disabled = new Set<string>();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly model: PlatformModel,
    private readonly invoker: AsyncInvoker,
    private readonly account: { readonly accountId: string; readonly region: string },
    private readonly phase: SchedulePhase = hashedPhase,
  ) {}

  /** Starts every enabled scheduled rule. */
  start(): void {
    for (const rule of this.model.rules) {
      if (!rule.enabled || !rule.scheduleExpression) continue;
      const period = ratePeriodMs(rule.scheduleExpression);
      if (period === undefined) {
        throw new Error(
          `rule ${rule.name}: the emulator runs rate() schedules only, got ${rule.scheduleExpression}`,
        );
      }
      const now = this.scheduler.clock.now();
      const first = Math.floor(now / period) * period + (this.phase(rule) % period);
      const start = first > now ? first : first + period;
      this.schedules.set(
        rule.name,
        this.scheduler.every(start, period, `schedule ${rule.name}`, (at) => {
          if (this.disabled.has(rule.name)) return;
          this.deliver(
            rule,
            this.event({
              source: 'aws.events',
              detailType: 'Scheduled Event',
              detail: {},
              resources: [rule.arn],
              time: at,
            }),
          );
        }),
      );
    }
  }

  /** Stops the schedules. */
  stop(): void {
    for (const schedule of this.schedules.values()) schedule.cancel();
    this.schedules.clear();
  }

  /** Disables (or re-enables) a rule, as `DisableRule` does: a scenario that isolates one flow. */
  setEnabled(ruleName: string, enabled: boolean): void {
    if (enabled) this.disabled.delete(ruleName);
    else this.disabled.add(ruleName);
  }

  /**
   * Delivers a scheduled rule's event now, as its schedule would (an operator running the
   * analysis before the hour is up). @throws {Error} naming the rule when it has no schedule.
   */
  fire(ruleName: string): BusEvent {
    const rule = this.model.rules.find((r) => r.name === ruleName);
    if (!rule?.scheduleExpression) throw new Error(`rule ${ruleName}: expected a scheduled rule`);
    const event = this.event({
      source: 'aws.events',
      detailType: 'Scheduled Event',
      detail: {},
      resources: [rule.arn],
    });
    this.deliver(rule, event);
    return event;
  }

  /** Puts an event on the bus; returns it as delivered. */
  put(entry: BusEntry): BusEvent {
    const event = this.event(entry);
    const matched = this.model.rules.filter(
      (rule) =>
        rule.enabled &&
        !this.disabled.has(rule.name) &&
        rule.eventPattern !== undefined &&
        matchesPattern(rule.eventPattern, event),
    );
    this.log.push({ at: this.scheduler.clock.now(), event, rules: matched.map((rule) => rule.name) });
    for (const rule of matched) this.deliverMatched(rule, event);
    return event;
  }

  private deliver(rule: DeployedRule, event: BusEvent): void {
    this.log.push({ at: this.scheduler.clock.now(), event, rules: [rule.name] });
    this.deliverMatched(rule, event);
  }

  private deliverMatched(rule: DeployedRule, event: BusEvent): void {
    for (const target of rule.targets) {
      const fn = this.model.byNameOrArn(target.arn);
      if (!fn) continue;
      this.invoker.invoke(
        fn,
        target.input === undefined ? event : JSON.parse(target.input),
        'events',
        rule.name,
      );
    }
  }

  private event(entry: BusEntry): BusEvent {
    const time = entry.time ?? this.scheduler.clock.now();
    return {
      version: '0',
      id: entry.id ?? randomUUID(),
      'detail-type': entry.detailType,
      source: entry.source,
      account: this.account.accountId,
      // EventBridge stamps events to the second.
      time: new Date(Math.floor(time / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
      region: this.account.region,
      resources: [...(entry.resources ?? [])],
      detail: entry.detail,
    };
  }
}
