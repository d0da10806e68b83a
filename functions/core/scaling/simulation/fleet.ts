import type { ScalingActivity } from '../types';

/** The fleet model's parameters. Defaults describe a t4g.small fleet behind an ALB. */
export interface FleetSettings {
  /** Load one instance serves at 100 % CPU. @default 100 */
  readonly capacityPerInstance: number;
  /** Seconds from launch until an instance is in service and takes traffic. @default 180 */
  readonly bootSeconds: number;
  /** Length of one metric datapoint (CloudWatch detailed monitoring). @default 60 */
  readonly metricPeriodSeconds: number;
  /**
   * Seconds after a period ends before its instance datapoints (EC2 `CPUUtilization` with detailed
   * monitoring, the CloudWatch agent's memory) can be read. @default 120
   */
  readonly metricDelaySeconds: number;
  /**
   * Seconds after a period ends before the ALB's `RequestCountPerTarget` for it can be read: the
   * load balancer sends its metrics every 60 s. @default 60
   */
  readonly requestsDelaySeconds: number;
  /** Pre-initialised, stopped instances kept beside the group (an EC2 Auto Scaling warm pool). @default 0 */
  readonly warmPoolSize: number;
  /** Seconds from a warm start (a stopped pool instance) until it is in service. @default 90 */
  readonly warmStartSeconds: number;
  /** Memory of one instance, for the memory metric. @default 2 */
  readonly memoryPerInstanceGiB: number;
  readonly minCapacity: number;
  readonly maxCapacity: number;
}

/** One simulated instance. */
export interface SimInstance {
  readonly id: string;
  readonly launchTime: number;
  /** When it enters service: `launchTime + bootSeconds`. */
  readonly inServiceAt: number;
}

/** One published metric period: the same value for every instance, since the ALB spreads load evenly. */
export interface MetricPeriod {
  readonly start: number;
  /** When the instance datapoints (CPU, memory) become readable. */
  readonly visibleAt: number;
  /** When the ALB datapoint (`requestsPerTarget`) becomes readable. */
  readonly requestsVisibleAt: number;
  readonly cpu: number;
  readonly memory: number | undefined;
  /** ALB `RequestCountPerTarget`: requests per in-service instance over the period. */
  readonly requestsPerTarget: number;
  /** ALB `RequestCount`: requests over the period, for the whole target group. */
  readonly requests: number;
  /** Instances in service for the whole period, which report a datapoint for it. */
  readonly instances: readonly SimInstance[];
}

/** What a controller sees when it runs. */
export interface FleetView {
  readonly now: number;
  readonly desired: number;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly instances: readonly SimInstance[];
  /** Published periods whose instance datapoints are visible at `now`, oldest first. */
  readonly periods: readonly MetricPeriod[];
  /** Published periods whose ALB datapoint is visible at `now` (newer ones than `periods`), oldest first. */
  readonly requestPeriods: readonly MetricPeriod[];
  readonly activities: readonly ScalingActivity[];
}

/** A scaling controller under test: it returns the desired capacity it wants now. */
export interface Controller {
  readonly name: string;
  /** How often it runs. */
  readonly intervalSeconds: number;
  control(view: FleetView): number;
}

/**
 * The fleet: instances launch on a scale-out and serve after `bootSeconds`, or after
 * `warmStartSeconds` when a warmed instance waits in the warm pool (which then launches a
 * replacement that is warmed after `bootSeconds`); a scale-in terminates pending instances first,
 * then the newest in-service ones. CPU is the load share of each in-service instance, capped at
 * 100 %; a period's datapoint is the mean over its steps. Stopped pool instances are not members:
 * they bill only their volumes.
 */
export class Fleet {
  private readonly members: SimInstance[] = [];
  /** When each warm-pool instance is (or was) warmed and ready for a warm start. */
  private readonly pool: number[] = [];
  private readonly published: MetricPeriod[] = [];
  private readonly history: ScalingActivity[] = [];
  private next = 0;
  private sums = { cpu: 0, memory: 0, requests: 0, total: 0, steps: 0 };
  private periodStart: number;
  desired: number;

  constructor(
    readonly settings: FleetSettings,
    initialCapacity: number,
    start: number,
  ) {
    this.desired = initialCapacity;
    this.periodStart = start;
    for (let i = 0; i < initialCapacity; i++) this.launch(start - 3_600_000, 0);
    for (let i = 0; i < settings.warmPoolSize; i++) this.pool.push(start - 3_600_000);
  }

  private launch(now: number, bootSeconds: number): void {
    this.next += 1;
    this.members.push({
      id: `i-${this.next.toString(16).padStart(8, '0')}`,
      launchTime: now,
      inServiceAt: now + bootSeconds * 1000,
    });
  }

  /** Launches one instance for a scale-out: warm from the pool when one is ready, else cold. */
  private scaleOutOne(now: number): void {
    const ready = this.pool.findIndex((readyAt) => readyAt <= now);
    if (ready < 0) {
      this.launch(now, this.settings.bootSeconds);
      return;
    }
    this.pool.splice(ready, 1);
    this.pool.push(now + this.settings.bootSeconds * 1000);
    this.launch(now, this.settings.warmStartSeconds);
  }

  inService(now: number): SimInstance[] {
    return this.members.filter((instance) => instance.inServiceAt <= now);
  }

  get instances(): readonly SimInstance[] {
    return this.members;
  }

  get activities(): readonly ScalingActivity[] {
    return this.history;
  }

  /** Sets the desired capacity (clamped to the group's bounds); returns true when it changed. */
  setDesired(wanted: number, now: number): boolean {
    const desired = Math.min(
      this.settings.maxCapacity,
      Math.max(this.settings.minCapacity, Math.round(wanted)),
    );
    if (desired === this.desired) return false;
    this.history.push({ startTime: now, fromCapacity: this.desired, toCapacity: desired });
    this.desired = desired;
    while (this.members.length < desired) this.scaleOutOne(now);
    while (this.members.length > desired) {
      const pending = this.members.filter((i) => i.inServiceAt > now);
      const pool = pending.length > 0 ? pending : this.members;
      const victim = pool.reduce((newest, i) => (i.launchTime >= newest.launchTime ? i : newest));
      this.members.splice(this.members.indexOf(victim), 1);
    }
    return true;
  }

  /** The fleet's utilisation at `now` for `load`: Infinity when load arrives and nothing serves it. */
  utilisation(load: number, now: number): number {
    const serving = this.inService(now).length;
    if (serving === 0) return load > 0 ? Number.POSITIVE_INFINITY : 0;
    return load / (serving * this.settings.capacityPerInstance);
  }

  /** Accumulates one step of metrics and publishes the period when it ends. */
  record(load: number, memory: number | undefined, now: number, stepSeconds: number): void {
    const serving = this.inService(now).length;
    const cpu =
      serving === 0 ? 0 : Math.min(100, (load / (serving * this.settings.capacityPerInstance)) * 100);
    const mem =
      memory === undefined || serving === 0
        ? 0
        : Math.min(100, (memory / (serving * this.settings.memoryPerInstanceGiB)) * 100);
    this.sums.cpu += cpu;
    this.sums.memory += mem;
    this.sums.requests += serving === 0 ? 0 : (load * stepSeconds) / serving;
    this.sums.total += load * stepSeconds;
    this.sums.steps += 1;
    const periodMs = this.settings.metricPeriodSeconds * 1000;
    if (now + stepSeconds * 1000 >= this.periodStart + periodMs) {
      const end = this.periodStart + periodMs;
      const steps = Math.max(1, this.sums.steps);
      this.published.push({
        start: this.periodStart,
        visibleAt: end + this.settings.metricDelaySeconds * 1000,
        requestsVisibleAt: end + this.settings.requestsDelaySeconds * 1000,
        cpu: this.sums.cpu / steps,
        memory: memory === undefined ? undefined : this.sums.memory / steps,
        requestsPerTarget: this.sums.requests,
        requests: this.sums.total,
        instances: this.members.filter((i) => i.inServiceAt <= this.periodStart),
      });
      this.periodStart = end;
      this.sums = { cpu: 0, memory: 0, requests: 0, total: 0, steps: 0 };
    }
  }

  /** Periods whose `signal` datapoints are visible at `now` and that started after `since`, oldest first. */
  visiblePeriods(now: number, since: number, signal: 'instance' | 'requests' = 'instance'): MetricPeriod[] {
    const visible: MetricPeriod[] = [];
    for (let i = this.published.length - 1; i >= 0; i--) {
      const period = this.published[i]!;
      if (period.start <= since) break;
      const at = signal === 'instance' ? period.visibleAt : period.requestsVisibleAt;
      if (at <= now) visible.push(period);
    }
    return visible.reverse();
  }

  view(now: number, lookbackSeconds: number): FleetView {
    return {
      now,
      desired: this.desired,
      minCapacity: this.settings.minCapacity,
      maxCapacity: this.settings.maxCapacity,
      instances: [...this.members],
      periods: this.visiblePeriods(now, now - lookbackSeconds * 1000),
      requestPeriods: this.visiblePeriods(now, now - lookbackSeconds * 1000, 'requests'),
      activities: this.history,
    };
  }
}
