import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { type MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClients } from '../account/aws-clients';
import type { Scheduler } from '../driver/scheduler';
import { queryResult } from '../proxy/aws-responses';
import type { FaultProxy } from '../proxy/fault-proxy';

const NAMESPACE = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';
const BOOTING = {
  reason: 'Target.FailedHealthChecks',
  description: 'Health checks failed with these codes: [502]',
};

/** How a target fails its load balancer health check. */
export interface TargetFailure {
  readonly reason: string;
  readonly description: string;
}

/** What the fleet is made of in the emulator. */
export interface FleetOptions {
  readonly groupName: string;
  /** The target group the group registers its instances in. */
  readonly targetGroupArn: string;
  /** CloudWatch dimensions of the load balancer (`app/...`) and of every target group (`targetgroup/...`). */
  readonly loadBalancerFullName: string;
  readonly targetGroups: readonly { readonly arn: string; readonly fullName: string }[];
  /** Health check interval × healthy threshold: how long a new target stays `initial`. */
  readonly registrationMs: number;
  /** Memory use of an idle instance, in percent. @default 35 */
  readonly baseMemoryPercent?: number;
  /** When an instance was launched, if the group's activity history says. */
  readonly launchedAt?: (instanceId: string) => number | undefined;
}

/** Measured CPU of the instances, when real processes stand for them (the live demo fleet). */
export interface FleetMeasurement {
  /** Each instance's CPU over the last minute, in percent; an instance without a value publishes none. */
  cpuPercent(instanceIds: readonly string[]): Promise<ReadonlyMap<string, number>>;
}

/**
 * The application fleet as the world outside the control plane: a load (in percent of one
 * instance's CPU, shared by the instances in service) that becomes each instance's
 * `CPUUtilization` and the group's average, plus the CloudWatch agent's memory, published every
 * minute; and each target's load balancer health (new targets `initial` while they pass the
 * healthy threshold, failing ones `unhealthy` with ALB's reason), which `DescribeTargetHealth`
 * reports and the load balancer's own `/health` follows. moto reports every target `healthy`.
 */
export class Fleet {
  private load = 0;
  private readonly failing = new Map<string, TargetFailure>();
  private bootFailureMs = 0;
  private readonly firstSeen = new Map<string, number>();
  private measurement: FleetMeasurement | undefined;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly emulator: AwsClients,
    private readonly options: FleetOptions,
  ) {}

  /** Sets the load, in percent of one instance (200 = two instances fully busy). */
  setLoad(percentOfOneInstance: number): void {
    this.load = percentOfOneInstance;
  }

  /** Publishes measured CPU instead of the set load (see {@link FleetMeasurement}). */
  measureWith(measurement: FleetMeasurement): void {
    this.measurement = measurement;
  }

  /** Sets or clears (undefined) one target's health-check failure, as its process is seen. */
  setTargetFailure(instanceId: string, failure: TargetFailure | undefined): void {
    if (failure) this.failing.set(instanceId, failure);
    else this.failing.delete(instanceId);
  }

  /** Makes targets fail their health checks (by id, or the first `count` in service). */
  async failTargets(
    which: number | readonly string[],
    failure: Partial<TargetFailure> = {},
  ): Promise<string[]> {
    const ids = typeof which === 'number' ? (await this.instances()).slice(0, which) : [...which];
    for (const id of ids) {
      this.failing.set(id, {
        reason: failure.reason ?? 'Target.FailedHealthChecks',
        description: failure.description ?? 'Health checks failed with these codes: [503]',
      });
    }
    return ids;
  }

  /**
   * New instances fail their health checks for `ms` after launch (a slow boot), then pass: what
   * the scale-out hold is for.
   */
  failNewTargetsFor(ms: number): void {
    this.bootFailureMs = ms;
  }

  /** Lets every failing target pass its health checks again. */
  recoverTargets(): void {
    this.failing.clear();
  }

  /** The instances the group has in service, oldest first. */
  async instances(): Promise<string[]> {
    const described = await this.emulator.autoScaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [this.options.groupName] }),
    );
    const ids = (described.AutoScalingGroups?.[0]?.Instances ?? [])
      .filter((i) => i.LifecycleState === 'InService')
      .map((i) => i.InstanceId!);
    const now = this.scheduler.clock.now();
    for (const id of ids)
      if (!this.firstSeen.has(id)) this.firstSeen.set(id, this.options.launchedAt?.(id) ?? now);
    return ids;
  }

  /** Each target's state as the load balancer sees it now. */
  async targetStates(): Promise<Map<string, { state: string; failure?: TargetFailure }>> {
    const now = this.scheduler.clock.now();
    const states = new Map<string, { state: string; failure?: TargetFailure }>();
    for (const id of await this.instances()) {
      const failure = this.failing.get(id);
      const age = now - (this.firstSeen.get(id) ?? 0);
      if (failure) states.set(id, { state: 'unhealthy', failure });
      else if (age < this.options.registrationMs) states.set(id, { state: 'initial' });
      else if (age < this.bootFailureMs) states.set(id, { state: 'unhealthy', failure: BOOTING });
      else states.set(id, { state: 'healthy' });
    }
    return states;
  }

  /** Targets passing health checks: what the load balancer can send traffic to. */
  async healthyTargets(): Promise<number> {
    return [...(await this.targetStates()).values()].filter((t) => t.state === 'healthy').length;
  }

  /** Publishes the minute's metrics every minute; the instances already in service are registered and healthy. */
  async start(): Promise<void> {
    for (const id of await this.instances()) this.firstSeen.set(id, Number.NEGATIVE_INFINITY);
    const now = this.scheduler.clock.now();
    this.scheduler.every(Math.floor(now / 60_000) * 60_000 + 60_000, 60_000, 'fleet metrics', (at) =>
      this.publish(at - 60_000),
    );
  }

  /** Publishes one minute of metrics, stamped `minute` (the start of the period they cover). */
  async publish(minute: number): Promise<void> {
    const ids = await this.instances();
    const perInstance = await this.cpuOf(ids);
    const values = [...perInstance.values()];
    const cpu = values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
    const memory = Math.min(100, (this.options.baseMemoryPercent ?? 35) + cpu * 0.3);
    const timestamp = new Date(minute);
    const group = [{ Name: 'AutoScalingGroupName', Value: this.options.groupName }];
    const data: MetricDatum[] = [
      { MetricName: 'CPUUtilization', Dimensions: group, Timestamp: timestamp, Value: cpu, Unit: 'Percent' },
      ...[...perInstance].map(([id, value]) => ({
        MetricName: 'CPUUtilization',
        Dimensions: [{ Name: 'InstanceId', Value: id }],
        Timestamp: timestamp,
        Value: value,
        Unit: 'Percent' as const,
      })),
    ];
    const agent: MetricDatum[] = [
      {
        MetricName: 'mem_used_percent',
        Dimensions: group,
        Timestamp: timestamp,
        Value: memory,
        Unit: 'Percent',
      },
      ...ids.map((id) => ({
        MetricName: 'mem_used_percent',
        Dimensions: [...group, { Name: 'InstanceId', Value: id }],
        Timestamp: timestamp,
        Value: memory,
        Unit: 'Percent' as const,
      })),
    ];
    await this.emulator.cloudWatch.send(new PutMetricDataCommand({ Namespace: 'AWS/EC2', MetricData: data }));
    await this.emulator.cloudWatch.send(
      new PutMetricDataCommand({ Namespace: 'CWAgent', MetricData: agent }),
    );
  }

  /** The set load shared evenly, or what the measurement says. */
  private async cpuOf(ids: readonly string[]): Promise<ReadonlyMap<string, number>> {
    if (this.measurement) return this.measurement.cpuPercent(ids);
    const share = ids.length === 0 ? 0 : Math.min(100, this.load / ids.length);
    return new Map(ids.map((id) => [id, share]));
  }

  /** Answers `DescribeTargetHealth` for the fleet's target group with the states above. */
  install(proxy: FaultProxy): void {
    proxy.intercept('elasticloadbalancing', 'DescribeTargetHealth', async (request, forward) => {
      if (request.params.TargetGroupArn !== this.options.targetGroupArn) return forward();
      const registered = await this.emulator.elb.send(
        new DescribeTargetHealthCommand({ TargetGroupArn: this.options.targetGroupArn }),
      );
      const states = await this.targetStates();
      return queryResult('DescribeTargetHealth', NAMESPACE, {
        TargetHealthDescriptions: (registered.TargetHealthDescriptions ?? []).map((target) => {
          const id = target.Target?.Id ?? '';
          const known = states.get(id);
          const state = known?.state ?? target.TargetHealth?.State ?? 'unused';
          return {
            Target: { Id: id, Port: target.Target?.Port },
            HealthCheckPort: target.HealthCheckPort ?? 'traffic-port',
            TargetHealth: {
              State: state,
              ...(known?.failure
                ? { Reason: known.failure.reason, Description: known.failure.description }
                : {}),
              ...(state === 'initial'
                ? { Reason: 'Elb.RegistrationInProgress', Description: 'Target registration is in progress' }
                : {}),
            },
          };
        }),
      });
    });
  }
}
