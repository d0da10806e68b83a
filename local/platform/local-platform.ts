import { createHash, randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { type AwsClients, createAwsClients } from '../account/aws-clients';
import { type MotoServer, startMotoServer } from '../account/moto-server';
import { PlatformModel } from '../account/platform-model';
import { CloudAssembly } from '../assembly/cloud-assembly';
import { VirtualClock } from '../clock/virtual-clock';
import { AlarmEvaluator } from '../driver/alarms';
import { ApiGateway } from '../driver/api-gateway';
import { AsyncInvoker } from '../driver/async-invoker';
import { EventBus, type SchedulePhase } from '../driver/event-bus';
import { MetricsSink } from '../driver/metrics-sink';
import { Scheduler } from '../driver/scheduler';
import { SnsRouter } from '../driver/sns-router';
import { installMessagingTaps } from '../driver/taps';
import type { ReceivedRequest, SiteAnswer } from '../network/https-sites';
import { localHttps } from '../network/local-client';
import { makeTempDir, removeTempDir } from '../process/process-control';
import { type ApiCall, FaultProxy } from '../proxy/fault-proxy';
import { FaultPlan } from '../proxy/faults';
import { ElastiCacheStandIn } from '../proxy/stand-ins/elasticache';
import { installLambdaInvoke } from '../proxy/stand-ins/lambda-invoke';
import { Route53HealthChecks } from '../proxy/stand-ins/route53-health-checks';
import { ScalingActivitiesStandIn } from '../proxy/stand-ins/scaling-activities';
import type { LogLine } from '../runtime/execution-environment';
import { FunctionRunner, type InvocationRecord } from '../runtime/function-runner';
import { node24Binary } from '../runtime/node24';
import { AuroraCluster } from '../world/database';
import { Fleet } from '../world/fleet';
import { type Backends, type EmulatedNetwork, startEmulatedNetwork } from './emulated-network';
import { createWebhookSecrets, deployAssembly } from './provision-account';
import { createClusterDatabase, type DatabaseRolesProperties } from './provision-database';

/** How to start a platform. */
export interface LocalPlatformOptions {
  /** The synthesized cloud assembly (`cdk.out`). */
  readonly assemblyDir: string;
  /**
   * A running moto server to deploy into, in an account of its own; a private server is started
   * when absent. Sharing one keeps its start-up (seconds of Python imports) out of each platform.
   */
  readonly emulatorUrl?: string;
  /** The stack to deploy. @default the assembly's first stack (the platform without variants) */
  readonly stack?: string;
  /** PostgreSQL behind the RDS Proxy endpoint and Redis behind the ElastiCache endpoint. */
  readonly backends?: Backends & { readonly redisPassword?: string };
  /**
   * Virtual time at start; `now` keeps the clock on real time (a live run).
   * @default the next whole minute of real time
   */
  readonly start?: number | 'now';
  /** Seed of the fault plan's generator. @default 1 */
  readonly seed?: number;
  /** Where each scheduled rule fires in its period. @default a hash of the rule's name */
  readonly schedulePhase?: SchedulePhase;
  /** Concurrency of functions without a reservation. @default 4 */
  readonly unreservedConcurrency?: number;
  /** Extra variables for every function (e.g. `NODE_DEBUG` while investigating). @default none */
  readonly functionEnvironment?: Readonly<Record<string, string>>;
}

/** One log line with the virtual time it was written. */
export type TimedLogLine = LogLine & { readonly at: number };

const REGION = 'us-east-1';

/**
 * The synthesized platform running on one machine: an emulated AWS account (moto) with the
 * template deployed in it, the real bundled functions in Node 24 execution environments, the
 * driver that fires their triggers on a virtual clock, the fault proxy with its stand-ins, and
 * the world around them (the fleet's load and target health, the database's instances and lag,
 * Route 53's checkers, the chat webhooks). Used by the end-to-end suite; built to be reused by a
 * live local control plane.
 */
export class LocalPlatform {
  readonly logs: TimedLogLine[] = [];
  readonly calls: ApiCall[] = [];
  readonly invocations: InvocationRecord[] = [];
  /** A scenario's own answers of the load balancer (a flapping endpoint); undefined falls back to the fleet. */
  loadBalancerOverride?: (path: string, now: number) => SiteAnswer | undefined;
  /**
   * Where the load balancer's requests go when a real fleet serves them (the live demo fleet);
   * without one it answers for the emulated fleet, with every dependency of `/health` up.
   */
  loadBalancerUpstream?: (request: ReceivedRequest) => Promise<SiteAnswer>;

  private constructor(
    readonly clock: VirtualClock,
    readonly model: PlatformModel,
    readonly emulator: AwsClients,
    /** Clients through the proxy, as the functions see AWS (stand-ins included, faults not). */
    readonly aws: AwsClients,
    readonly faults: FaultPlan,
    readonly proxy: FaultProxy,
    readonly runner: FunctionRunner,
    readonly scheduler: Scheduler,
    readonly invoker: AsyncInvoker,
    readonly bus: EventBus,
    readonly sns: SnsRouter,
    readonly alarms: AlarmEvaluator,
    readonly api: ApiGateway,
    readonly network: EmulatedNetwork,
    readonly fleet: Fleet,
    readonly database: AuroraCluster,
    readonly cache: ElastiCacheStandIn,
    readonly route53: Route53HealthChecks,
    readonly activities: ScalingActivitiesStandIn,
    /** The fault proxy's URL: AWS as the functions reach it. */
    readonly endpoint: string,
    /** Turns EMF log lines into the emulator's metrics (the functions', and the demo fleet's). */
    readonly metrics: MetricsSink,
    private readonly stopAll: () => Promise<void>,
  ) {}

  /** Runs the platform for `ms` of virtual time. */
  runFor(ms: number): Promise<void> {
    return this.scheduler.runFor(ms);
  }

  /** Runs the platform until virtual time `at`. */
  runUntil(at: number): Promise<void> {
    return this.scheduler.runUntil(at);
  }

  /** Stops every process and server this platform started. */
  stop(): Promise<void> {
    return this.stopAll();
  }

  /** Deploys the assembly into a fresh emulated account and starts everything. */
  static async start(options: LocalPlatformOptions): Promise<LocalPlatform> {
    const cleanups: (() => Promise<void> | void)[] = [];
    const stopAll = async () => {
      for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
      cleanups.length = 0;
    };
    try {
      return await LocalPlatform.assemble(options, cleanups, stopAll);
    } catch (error) {
      await stopAll();
      throw error;
    }
  }

  private static async assemble(
    options: LocalPlatformOptions,
    cleanups: (() => Promise<void> | void)[],
    stopAll: () => Promise<void>,
  ): Promise<LocalPlatform> {
    const node = node24Binary();
    const assembly = CloudAssembly.load(options.assemblyDir);
    const workDir = makeTempDir('misybot-local-');
    cleanups.push(() => removeTempDir(workDir));
    let motoUrl = options.emulatorUrl;
    if (!motoUrl) {
      const moto: MotoServer = await startMotoServer();
      cleanups.push(() => moto.stop());
      motoUrl = moto.url;
    }
    const account = { accountId: randomAccountId(), region: REGION };
    const emulator = createAwsClients({ endpoint: motoUrl, region: REGION, accountId: account.accountId });
    const stack = options.stack ?? assembly.stacks[0]!.stackName;
    const deployment = await deployAssembly(
      assembly,
      emulator,
      account,
      options.backends?.redisPassword,
      stack,
    );
    const model = new PlatformModel(deployment);
    const formatter = model.functions.find((f) => f.environment.WEBHOOKS !== undefined);
    if (formatter) await createWebhookSecrets(emulator, JSON.parse(formatter.environment.WEBHOOKS!));

    const clock = new VirtualClock(
      options.start === 'now' ? Date.now() : (options.start ?? Math.ceil(Date.now() / 60_000) * 60_000),
    );
    const faults = new FaultPlan(options.seed ?? 1);
    const keys = new Map(model.functions.map((f) => [accessKeyOf(f.name), f.name]));
    const proxy = new FaultProxy({
      upstream: motoUrl,
      clock,
      faults,
      callerOf: (key) => keys.get(key),
      accountId: account.accountId,
    });
    const endpoint = await proxy.start();
    cleanups.push(() => proxy.stop());
    const aws = createAwsClients({ endpoint, region: REGION });

    const xray = createSocket('udp4');
    await new Promise<void>((resolve) => xray.bind(0, '127.0.0.1', resolve));
    xray.unref();
    cleanups.push(() => void xray.close());

    let platform: LocalPlatform | undefined;
    const dnsRecord = deployment
      .ofType('AWS::Route53::RecordSet')
      .find((r) => r.properties.Failover === 'PRIMARY' && r.properties.HealthCheckId !== undefined);
    const route53Holder: { checks?: Route53HealthChecks } = {};
    const network = await startEmulatedNetwork(
      workDir,
      model,
      options.backends ?? {},
      async (request) => {
        const override = platform?.loadBalancerOverride?.(request.path, clock.now());
        if (override) return override;
        if (platform?.loadBalancerUpstream) return platform.loadBalancerUpstream(request);
        const healthy = platform ? await platform.fleet.healthyTargets() : 1;
        // No service stands behind the emulated fleet: its data path is what the stand-ins say.
        const up = { status: 'up', latencyMs: 1 };
        return healthy > 0
          ? {
              status: 200,
              body: JSON.stringify({ status: 'ok', dependencies: { database: up, cache: up } }),
              headers: { 'content-type': 'application/json' },
            }
          : { status: 503, body: '' };
      },
      dnsRecord
        ? {
            name: String(dnsRecord.properties.Name).replace(/\.$/, ''),
            primaryServes: () =>
              route53Holder.checks?.routable(String(dnsRecord.properties.HealthCheckId)) ?? true,
          }
        : undefined,
      () => clock.now(),
    );
    cleanups.push(() => network.close());

    const runner = new FunctionRunner(
      {
        node,
        clock,
        ...account,
        endpointUrl: endpoint,
        routes: network.routes,
        caFile: network.ca.caFile,
        xrayDaemonAddress: `127.0.0.1:${(xray.address() as AddressInfo).port}`,
        ...(options.unreservedConcurrency ? { unreservedConcurrency: options.unreservedConcurrency } : {}),
        ...(options.functionEnvironment ? { extraEnvironment: options.functionEnvironment } : {}),
        accessKeyOf,
      },
      model.functions,
    );
    cleanups.push(() => runner.stop());
    const scheduler = new Scheduler(clock, runner);
    const queueUrls = new Map(
      deployment.ofType('AWS::SQS::Queue').map((q) => [String(q.attributes.Arn), q.physicalId]),
    );
    const invoker = new AsyncInvoker(scheduler, runner, emulator, (arn) => queueUrls.get(arn));
    const bus = new EventBus(scheduler, model, invoker, account, options.schedulePhase);
    const https = (url: string, body: string, headers: Record<string, string>) =>
      localHttps(network.routes, network.ca.caPem, url, { method: 'POST', body, headers }).then(
        (a) => a.status,
      );
    const sns = new SnsRouter(scheduler, model, invoker, https);
    installMessagingTaps(proxy, sns, bus);
    installLambdaInvoke(proxy, model, runner, invoker);
    const alarms = new AlarmEvaluator(scheduler, model, emulator, bus, sns, account);
    const api = new ApiGateway(model, runner, () => clock.now(), account);
    const metrics = new MetricsSink(scheduler, emulator);

    const activities = new ScalingActivitiesStandIn(clock, emulator);
    activities.install(proxy);
    const group = model.only('AWS::AutoScaling::AutoScalingGroup');
    const targetGroupArn = String((group.properties.TargetGroupARNs as string[])[0]);
    const targetGroup = deployment
      .ofType('AWS::ElasticLoadBalancingV2::TargetGroup')
      .find((t) => t.physicalId === targetGroupArn);
    const balancer = model.only('AWS::ElasticLoadBalancingV2::LoadBalancer');
    const fleet = new Fleet(scheduler, emulator, {
      groupName: group.physicalId,
      targetGroupArn,
      loadBalancerFullName: String(balancer.attributes.LoadBalancerFullName),
      targetGroups: deployment
        .ofType('AWS::ElasticLoadBalancingV2::TargetGroup')
        .map((t) => ({ arn: t.physicalId, fullName: String(t.attributes.TargetGroupFullName) })),
      registrationMs:
        Number(targetGroup?.properties.HealthCheckIntervalSeconds ?? 30) *
        Number(targetGroup?.properties.HealthyThresholdCount ?? 5) *
        1000,
      launchedAt: (id) =>
        activities
          .history(group.physicalId)
          .find((a) => a.instanceId === id && a.description.startsWith('Launching'))?.startTime,
    });
    fleet.install(proxy);
    const cluster = model.only('AWS::RDS::DBCluster');
    if (options.backends?.postgres && cluster.properties.DatabaseName) {
      const roles = Object.values(
        assembly.stacks.find((s) => s.stackName === stack)?.template.Resources ?? {},
      ).find((resource) => resource.Type === 'Custom::DatabaseRoles')?.Properties as
        | DatabaseRolesProperties
        | undefined;
      await createClusterDatabase(options.backends.postgres, String(cluster.properties.DatabaseName), roles);
    }
    const database = new AuroraCluster(scheduler, emulator, cluster.physicalId);
    const cache = new ElastiCacheStandIn(clock);
    for (const rg of deployment.ofType('AWS::ElastiCache::ReplicationGroup')) {
      cache.addGroup(
        rg.physicalId,
        Number(rg.properties.NumCacheClusters ?? 1),
        String(rg.attributes['PrimaryEndPoint.Address']),
        Number(rg.attributes['PrimaryEndPoint.Port']),
        [`${REGION}a`, `${REGION}b`],
      );
    }
    cache.install(proxy);
    const route53 = new Route53HealthChecks(clock, async (url) => {
      try {
        const answer = await localHttps(network.routes, network.ca.caPem, url, { timeoutMs: 4000 });
        const ok = answer.status >= 200 && answer.status < 400;
        return { ok, detail: `HTTP Status Code ${answer.status}${ok ? ', OK' : ''}` };
      } catch (error) {
        return { ok: false, detail: `Failure: ${(error as Error).message}` };
      }
    });
    route53Holder.checks = route53;
    for (const check of deployment.ofType('AWS::Route53::HealthCheck')) {
      route53.add(check.physicalId, check.properties.HealthCheckConfig as never);
    }
    route53.install(proxy);

    platform = new LocalPlatform(
      clock,
      model,
      emulator,
      aws,
      faults,
      proxy,
      runner,
      scheduler,
      invoker,
      bus,
      sns,
      alarms,
      api,
      network,
      fleet,
      database,
      cache,
      route53,
      activities,
      endpoint,
      metrics,
      stopAll,
    );
    const started = platform;
    proxy.onCall((call) => started.calls.push(call));
    runner.onLog((line) => started.logs.push({ ...line, at: clock.now() }));
    runner.onLog(metrics.onLog);
    runner.onInvocation((record) => started.invocations.push(record));
    runner.onInvocation(metrics.onInvocation);

    // The platform has been running: a minute of metrics exists before the scenario starts.
    await fleet.start();
    await fleet.publish(clock.now() - 60_000);
    await database.publish(clock.now() - 60_000);
    alarms.start();
    database.start();
    metrics.start();
    for (const check of deployment.ofType('AWS::Route53::HealthCheck')) {
      await route53.check(check.physicalId);
      scheduler.every(
        clock.now() + route53.intervalMs(check.physicalId),
        route53.intervalMs(check.physicalId),
        'route53 checkers',
        () => route53.check(check.physicalId),
      );
    }
    bus.start();
    return started;
  }
}

/** A 12-digit account id of its own for each platform. */
function randomAccountId(): string {
  return String(100_000_000_000 + randomInt(899_999_999_999));
}

/** The access key an emulated function signs with: the proxy tells callers apart by it. */
export function accessKeyOf(functionName: string): string {
  return `ASIA${createHash('sha256').update(functionName).digest('hex').slice(0, 16).toUpperCase()}`;
}
