import { type ACMClient, DescribeCertificateCommand } from '@aws-sdk/client-acm';
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { type CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { RegionObserver } from '../../../core/failover/region/ports';
import { type GlobalResources, regionOfArn, resourcesOf } from '../../../core/failover/region/resources';
import type { MetricReading, RegionObservation, StandbyReadiness } from '../../../core/failover/region/types';
import { type AdapterClock, deadlineSignal, systemClock } from '../failover/polling';
import { type GlobalDatabase, globalWriterArn } from './global-database';
import { datastorePrimaryRegion, type GlobalDatastore } from './global-datastore';
import type { RegionalDns } from './regional-dns';
import { healthyInService, RegionalFleet } from './regional-fleet';

/** The clients and adapters the observer reads through; regional clients by region. */
export interface RegionObserverSources {
  readonly database: GlobalDatabase;
  readonly datastore: GlobalDatastore;
  readonly dns: RegionalDns;
  readonly cloudWatch: (region: string) => CloudWatchClient;
  readonly acm: (region: string) => ACMClient;
  readonly secrets: (region: string) => SecretsManagerClient;
  readonly autoScaling: (region: string) => AutoScalingClient;
  readonly resources: GlobalResources;
  readonly clock?: AdapterClock;
  /** How long one observation may take. @default 20000 */
  readonly budgetMs?: number;
}

/** A source that could not be read is left out: the guard that needs it then fails closed. */
async function settle<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}

/**
 * Reads both regions for the region engine: the global database and datastore, each ALB's Route 53
 * health, the standby cluster's `AuroraGlobalDBReplicationLag` and `AuroraGlobalDBRPOLag`
 * (CloudWatch in the standby's region, newest datapoint with its own timestamp and whether the
 * query was complete), and the standby's fleet, certificate, secret replicas and instances.
 */
export class AwsRegionObserver implements RegionObserver {
  private readonly clock: AdapterClock;

  constructor(private readonly sources: RegionObserverSources) {
    this.clock = sources.clock ?? systemClock;
  }

  async observe(active: string, standby: string): Promise<RegionObservation> {
    const now = this.clock.now();
    const deadline = now + (this.sources.budgetMs ?? 20_000);
    const { database, datastore, dns } = this.sources;
    const [cluster, group, activeHealth, standbyHealth, lag, readiness] = await Promise.all([
      settle(() => database.describe(deadline)),
      settle(() => datastore.describe(deadline)),
      settle(() => dns.health(active, deadline)),
      settle(() => dns.health(standby, deadline)),
      settle(() => this.lag(standby, now, deadline)),
      this.readiness(active, standby, deadline),
    ]);
    const writerRegion = regionOfArn(globalWriterArn(cluster));
    const cachePrimary = datastorePrimaryRegion(group);
    return {
      observedAt: now,
      ...(cluster && group && writerRegion && cachePrimary
        ? {
            global: {
              databaseWriterRegion: writerRegion,
              databaseStatus: cluster.Status ?? 'unknown',
              cachePrimaryRegion: cachePrimary,
              cacheStatus: group.Status ?? 'unknown',
            },
          }
        : {}),
      health: { [active]: activeHealth, [standby]: standbyHealth },
      ...(lag?.replication ? { replicationLagMs: lag.replication } : {}),
      ...(lag?.rpo ? { rpoLagSeconds: lag.rpo } : {}),
      standby: readiness,
    };
  }

  /** The newest datapoint of each lag metric of the standby cluster, over the last 10 minutes. */
  private async lag(standby: string, now: number, deadline: number) {
    const clusterId = resourcesOf(this.sources.resources, standby).clusterArn.split(':').at(-1)!;
    const query = (Id: string, MetricName: string) => ({
      Id,
      MetricStat: {
        Metric: {
          Namespace: 'AWS/RDS',
          MetricName,
          Dimensions: [{ Name: 'DBClusterIdentifier', Value: clusterId }],
        },
        Period: 60,
        Stat: 'Maximum',
      },
    });
    const response = await this.sources.cloudWatch(standby).send(
      new GetMetricDataCommand({
        StartTime: new Date(now - 600_000),
        EndTime: new Date(now),
        ScanBy: 'TimestampDescending',
        MetricDataQueries: [
          query('replication', 'AuroraGlobalDBReplicationLag'),
          query('rpo', 'AuroraGlobalDBRPOLag'),
        ],
      }),
      { abortSignal: deadlineSignal(deadline, this.clock) },
    );
    const reading = (id: string): MetricReading | undefined => {
      const result = response.MetricDataResults?.find((r) => r.Id === id);
      const at = result?.Timestamps?.[0];
      const value = result?.Values?.[0];
      if (!at || value === undefined) return undefined;
      return { value, at: at.getTime(), complete: result?.StatusCode === 'Complete' };
    };
    return { replication: reading('replication'), rpo: reading('rpo') };
  }

  private async readiness(active: string, standby: string, deadline: number): Promise<StandbyReadiness> {
    const own = resourcesOf(this.sources.resources, standby);
    const signal = () => ({ abortSignal: deadlineSignal(deadline, this.clock) });
    const [group, certificate, secrets, instances] = await Promise.all([
      settle(() =>
        new RegionalFleet(this.sources.autoScaling(standby), own.autoScalingGroupName, this.clock).describe(
          deadline,
        ),
      ),
      own.certificateArn
        ? settle(() =>
            this.sources
              .acm(standby)
              .send(new DescribeCertificateCommand({ CertificateArn: own.certificateArn }), signal()),
          )
        : Promise.resolve(undefined),
      settle(() =>
        Promise.all(own.secretArns.map((arn) => this.secretInSync(arn, active, standby, deadline))),
      ),
      settle(() => this.sources.database.instanceCount(standby, deadline)),
    ]);
    const cert = certificate?.Certificate;
    return {
      ...(group
        ? {
            fleet: {
              inService: healthyInService(group),
              desired: group.DesiredCapacity ?? 0,
              max: group.MaxSize ?? 0,
            },
          }
        : {}),
      ...(cert?.Status && cert.NotAfter
        ? { certificate: { status: cert.Status, notAfter: cert.NotAfter.getTime() } }
        : {}),
      ...(secrets ? { secrets } : {}),
      ...(instances !== undefined ? { databaseInstances: instances } : {}),
    };
  }

  /**
   * A replica is in sync when the primary secret says so for this region. When the primary's region
   * cannot answer, the replica that exists here holds the last synced value, and nothing can have
   * changed it since: it counts as in sync.
   */
  private async secretInSync(replicaArn: string, active: string, standby: string, deadline: number) {
    const signal = () => ({ abortSignal: deadlineSignal(deadline, this.clock) });
    const replica = await this.sources
      .secrets(standby)
      .send(new DescribeSecretCommand({ SecretId: replicaArn }), signal());
    const name = replica.Name ?? replicaArn;
    const primaryRegion = replica.PrimaryRegion ?? active;
    if (primaryRegion === standby) return { name, inSync: true };
    const primaryArn = replicaArn
      .split(':')
      .map((part, index) => (index === 3 ? primaryRegion : part))
      .join(':');
    const primary = await settle(() =>
      this.sources.secrets(primaryRegion).send(new DescribeSecretCommand({ SecretId: primaryArn }), signal()),
    );
    if (!primary) return { name, inSync: true };
    const status = primary.ReplicationStatus?.find((r) => r.Region === standby)?.Status;
    return { name, inSync: status === 'InSync' };
  }
}
