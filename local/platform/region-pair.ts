import { randomUUID } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { RegionFailoverState, RegionTimeline } from '../../functions/core/failover/region/types';
import { regionsSchema } from '../../functions/shared/config/regions';
import { type AwsClients, createAwsClients } from '../account/aws-clients';
import { VirtualClock } from '../clock/virtual-clock';
import { Scheduler } from '../driver/scheduler';
import type { XmlValue } from '../proxy/aws-responses';
import { type ApiCall, FaultProxy } from '../proxy/fault-proxy';
import { FaultPlan } from '../proxy/faults';
import { GlobalDatabaseStandIn } from '../proxy/stand-ins/global-database';
import { GlobalDatastoreStandIn } from '../proxy/stand-ins/global-datastore';
import { Route53HealthChecks } from '../proxy/stand-ins/route53-health-checks';
import type { LogLine } from '../runtime/execution-environment';
import { FunctionRunner, type InvocationRecord } from '../runtime/function-runner';
import { node24Binary } from '../runtime/node24';
import { accessKeyOf } from './local-platform';
import { provisionRegionPair, type RegionPairResources } from './provision-region-pair';

/** The lag the standby cluster's CloudWatch metrics report, or nothing published. */
export interface ReplicationLag {
  readonly replicationMs: number;
  readonly rpoSeconds: number;
}

/** What a region pair is started with. */
export interface RegionPairOptions {
  /** The moto server's URL. */
  readonly emulatorUrl: string;
  /** The region failover function's bundle directory (`index.js`). */
  readonly bundleDir: string;
  /** The `regions` block of the configuration (validated here, as the CDK app does). */
  readonly regions: unknown;
  /** `fleet.minCapacity`: what a region needs before it takes traffic. */
  readonly activeCapacity: number;
  readonly maxCapacity: number;
  /** Where the local CA and the standby certificate go. */
  readonly workDir: string;
}

const PLATFORM = 'misybot-geo';
const FUNCTION_NAME = `${PLATFORM}-ha-region-failover`;

/**
 * Two regions of one emulated account with only what the region failover function touches
 * (`provisionRegionPair`), the function's bundle running in a Node 24 environment in the
 * standby region with the environment `lib/regional/region-failover-control.ts` gives it, its
 * minute schedule, Route 53's checkers probing each region's ALB (up or down as the scenario
 * says), and the standby cluster's lag metrics published each minute, all on a virtual clock.
 * The Aurora global database and the Global Datastore are answered by their stand-ins.
 */
export class RegionPair {
  readonly calls: ApiCall[] = [];
  readonly invocations: InvocationRecord[] = [];
  readonly logs: (LogLine & { at: number })[] = [];
  /** Whether each region's ALB answers its health check at a virtual time. */
  albUp: Record<string, (at: number) => boolean>;
  /** The lag the standby's metrics report from now on; undefined publishes none. */
  lag: ReplicationLag | undefined;
  private readonly stops: (() => void | Promise<void>)[] = [];

  private constructor(
    readonly clock: VirtualClock,
    readonly scheduler: Scheduler,
    readonly runner: FunctionRunner,
    readonly deployed: RegionPairResources,
    readonly database: GlobalDatabaseStandIn,
    readonly datastore: GlobalDatastoreStandIn,
    readonly healthChecks: Route53HealthChecks,
    readonly observer: (region: string) => AwsClients,
    readonly primary: string,
    readonly secondary: string,
  ) {
    this.albUp = { [primary]: () => true, [secondary]: () => true };
  }

  static async start(options: RegionPairOptions): Promise<RegionPair> {
    const regions = regionsSchema.parse(options.regions);
    const primary = regions.primary.region;
    const secondary = regions.secondary.region;
    const accountId = String(100_000_000_000 + Math.floor(Math.random() * 899_999_999_999));
    const clock = new VirtualClock(Math.ceil(Date.now() / 60_000) * 60_000);
    const proxy = new FaultProxy({
      upstream: options.emulatorUrl,
      clock,
      faults: new FaultPlan(1),
      callerOf: (key) => (key === accessKeyOf(FUNCTION_NAME) ? FUNCTION_NAME : undefined),
      accountId,
    });
    const endpoint = await proxy.start();
    const clients = new Map<string, AwsClients>();
    const observer = (region: string) => {
      let found = clients.get(region);
      if (!found) {
        found = createAwsClients({ endpoint, region, accountId });
        clients.set(region, found);
      }
      return found;
    };
    mkdirSync(options.workDir, { recursive: true });
    const deployed = await provisionRegionPair(observer, {
      platform: PLATFORM,
      primary,
      secondary,
      secondaryReaders: regions.secondary.databaseReaders,
      standbyCapacity: regions.secondary.standbyCapacity,
      maxCapacity: options.maxCapacity,
      zoneName: 'example.com',
      workDir: options.workDir,
    });
    const { resources } = deployed;
    const database = new GlobalDatabaseStandIn(clock);
    database.add(
      resources.globalClusterIdentifier,
      'aurora-postgresql',
      [primary, secondary].map((region) => resources.regions[region]!.clusterArn),
    );
    const datastore = new GlobalDatastoreStandIn(clock);
    datastore.add(
      resources.globalReplicationGroupId,
      [primary, secondary].map((region) => ({
        region,
        replicationGroupId: resources.regions[region]!.replicationGroupId,
      })),
    );
    const holder: { pair?: RegionPair } = {};
    const healthChecks = new Route53HealthChecks(clock, async (url) => {
      const host = new URL(url).hostname;
      const region = Object.keys(deployed.albHosts).find((r) => deployed.albHosts[r] === host);
      const up = region !== undefined && (holder.pair?.albUp[region]?.(clock.now()) ?? true);
      return up
        ? { ok: true, detail: 'HTTP Status Code 200, OK' }
        : { ok: false, detail: 'Failure: Connection timed out. The endpoint did not respond.' };
    });
    for (const { id, config } of Object.values(deployed.albChecks)) {
      healthChecks.add(id, Object.fromEntries(Object.entries(config)) as Record<string, XmlValue>);
    }
    healthChecks.add(deployed.gate.id, {
      Type: 'CALCULATED',
      HealthThreshold: 1,
      ChildHealthChecks: deployed.gate.config.ChildHealthChecks ?? [],
    });
    database.install(proxy);
    datastore.install(proxy);
    healthChecks.install(proxy);

    const xray = createSocket('udp4');
    await new Promise<void>((resolve) => xray.bind(0, '127.0.0.1', resolve));
    xray.unref();
    const runner = new FunctionRunner(
      {
        node: node24Binary(),
        clock,
        region: secondary,
        accountId,
        endpointUrl: endpoint,
        routes: {},
        caFile: deployed.caFile,
        xrayDaemonAddress: `127.0.0.1:${(xray.address() as AddressInfo).port}`,
        accessKeyOf,
      },
      [
        {
          name: FUNCTION_NAME,
          arn: `arn:aws:lambda:${secondary}:${accountId}:function:${FUNCTION_NAME}`,
          codeDir: options.bundleDir,
          handler: 'index.handler',
          // As lib/regional/region-failover-control.ts and ControlFunction set them.
          environment: {
            STATE_TABLE: deployed.tableName,
            CRITICAL_TOPIC_ARN: deployed.topicArns.critical,
            WARNING_TOPIC_ARN: deployed.topicArns.warning,
            INFO_TOPIC_ARN: deployed.topicArns.info,
            REGIONS: JSON.stringify(regions),
            ACTIVE_CAPACITY: String(options.activeCapacity),
            RESOURCES: JSON.stringify(resources),
            POWERTOOLS_SERVICE_NAME: 'region-failover',
            POWERTOOLS_METRICS_NAMESPACE: 'MisyBot/HA',
            POWERTOOLS_LOG_LEVEL: 'INFO',
          },
          timeoutSeconds: 900,
          memoryMiB: 512,
          reservedConcurrency: 2,
          logGroupName: `/aws/lambda/${FUNCTION_NAME}`,
        },
      ],
    );
    const scheduler = new Scheduler(clock, runner);
    const pair = new RegionPair(
      clock,
      scheduler,
      runner,
      deployed,
      database,
      datastore,
      healthChecks,
      observer,
      primary,
      secondary,
    );
    holder.pair = pair;
    pair.stops.push(
      () => runner.stop(),
      () => proxy.stop(),
      () => void xray.close(),
    );
    proxy.onCall((call) => pair.calls.push(call));
    runner.onInvocation((record) => pair.invocations.push(record));
    runner.onLog((line) => pair.logs.push({ ...line, at: clock.now() }));
    pair.drive();
    return pair;
  }

  /** The function's name. */
  get functionName(): string {
    return FUNCTION_NAME;
  }

  /** Route 53's checkers every RequestInterval, the lag metrics and the schedule every minute. */
  private drive(): void {
    const now = this.clock.now();
    for (const { id } of Object.values(this.deployed.albChecks)) {
      const interval = this.healthChecks.intervalMs(id);
      this.scheduler.every(now, interval, `route53 checkers ${id}`, () => this.healthChecks.check(id));
    }
    this.scheduler.every(now + 30_000, 60_000, 'lag metrics', () => this.publishLag());
    // An invocation is the runner's, not driver work: time may jump while it waits on its timers.
    this.scheduler.every(now + 60_000, 60_000, 'schedule region-failover', (at) => {
      void this.runner.invoke(FUNCTION_NAME, this.scheduledEvent(at));
    });
  }

  /** An EventBridge schedule delivery, as the rule's target receives it. */
  scheduledEvent(at: number, id: string = randomUUID()): Record<string, unknown> {
    return {
      version: '0',
      id,
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '000000000000',
      time: new Date(Math.floor(at / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
      region: this.secondary,
      resources: [`arn:aws:events:${this.secondary}:000000000000:rule/region-failover-schedule`],
      detail: {},
    };
  }

  /** The standby cluster's (the one that would take over) lag datapoints, as Aurora publishes them. */
  private async publishLag(): Promise<void> {
    const lag = this.lag;
    if (!lag) return;
    const standbyCluster = this.deployed.resources.regions[this.secondary]!.clusterArn.split(':').at(-1)!;
    const Dimensions = [{ Name: 'DBClusterIdentifier', Value: standbyCluster }];
    const Timestamp = new Date(this.clock.now());
    await this.observer(this.secondary).cloudWatch.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/RDS',
        MetricData: [
          { MetricName: 'AuroraGlobalDBReplicationLag', Dimensions, Value: lag.replicationMs, Timestamp },
          { MetricName: 'AuroraGlobalDBRPOLag', Dimensions, Value: lag.rpoSeconds, Timestamp },
        ],
      }),
    );
  }

  /** Runs the pair for `ms` of virtual time (and until what is in progress then has finished). */
  runFor(ms: number): Promise<void> {
    return this.scheduler.runFor(ms);
  }

  /** Invokes the function now, as the CLI does (RequestResponse), while the pair runs. */
  async invoke(event: unknown): Promise<InvocationRecord> {
    // In progress at the end of the run, so the run lasts until it has finished.
    const invocation = this.runner.invoke(FUNCTION_NAME, event);
    await this.scheduler.runFor(1);
    return invocation;
  }

  /** The calls the function made of one operation. */
  callsOf(operation: string): ApiCall[] {
    return this.calls.filter((call) => call.caller === FUNCTION_NAME && call.operation === operation);
  }

  /** The region component's stored state. */
  async state(): Promise<RegionFailoverState | undefined> {
    const item = await this.observer(this.secondary).documents.send(
      new GetCommand({
        TableName: this.deployed.tableName,
        Key: { pk: 'FAILOVER#region', sk: 'STATE' },
        ConsistentRead: true,
      }),
    );
    return item.Item?.state as RegionFailoverState | undefined;
  }

  /** The finished timelines the function stored, oldest first. */
  async timelines(): Promise<RegionTimeline[]> {
    const items = await this.observer(this.secondary).documents.send(
      new QueryCommand({
        TableName: this.deployed.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': 'FAILOVER#region', ':prefix': 'TIMELINE#' },
      }),
    );
    return (items.Items ?? []).map((item) => item.timeline as RegionTimeline);
  }

  async stop(): Promise<void> {
    for (const stop of this.stops.reverse()) await stop();
  }
}
