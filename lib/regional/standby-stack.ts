import { CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { PlatformConfig, RegionsSettings } from '../../functions/shared/config';
import { AlertTopics } from '../observability/alert-topics';
import { PlatformFleet } from '../platform/fleet';
import { PlatformLoadBalancer } from '../platform/load-balancer';
import { PlatformNetwork } from '../platform/network';
import { PlatformWebAcl } from '../platform/web-acl';
import { acknowledgePlatformFindings } from '../platform-acknowledgements';
import type { PlatformStack } from '../platform-stack';
import { RegionFailoverControl } from './region-failover-control';
import { RegionalDnsFailover } from './regional-dns';
import { SecondaryCache } from './secondary-cache';
import { SecondaryDatabase } from './secondary-database';

export interface StandbyRegionStackProps extends StackProps {
  /** The validated configuration; `regions` must be set. */
  readonly config: PlatformConfig;
  /** The primary region's stack: its ALB, global database, datastore, secrets and state table. */
  readonly primary: PlatformStack;
  /** The state table replica's key in this region (StandbyKeyStack). */
  readonly stateKey: IKey;
}

/**
 * The warm standby region: its own network, ALB and a fleet at `regions.secondary.standbyCapacity`,
 * the Aurora secondary cluster and the cache's secondary group (members of the primary's global
 * database and datastore), the replicated secrets, and the Route 53 failover records between the
 * two regional ALBs. Values of the primary stack arrive as cross-region references
 * (`Fn::GetStackOutput`, resolved by CloudFormation at deploy time), so synth needs no lookup.
 */
export class StandbyRegionStack extends Stack {
  readonly regions: RegionsSettings;
  readonly network: PlatformNetwork;
  readonly topics: AlertTopics;
  readonly edge: PlatformLoadBalancer;
  readonly fleet: PlatformFleet;
  readonly database: SecondaryDatabase;
  readonly cache: SecondaryCache;
  readonly dns: RegionalDnsFailover;
  readonly regionFailover: RegionFailoverControl;
  /** The cache AUTH token's replica in this region. */
  readonly cacheAuthSecretArn: string;
  /** The database master secret's replica in this region. */
  readonly databaseSecretArn: string;

  constructor(scope: Construct, id: string, props: StandbyRegionStackProps) {
    super(scope, id, props);
    const { config, primary } = props;
    const { regions, domain } = config;
    if (!regions || !domain) {
      throw new Error(
        'StandbyRegionStack needs config.regions and config.domain; the schema refuses one without the other.',
      );
    }
    const globalData = primary.dataTier.globalData;
    if (!globalData) {
      throw new Error(
        'StandbyRegionStack needs a primary stack built with regions (its global database and datastore).',
      );
    }
    this.regions = regions;
    const { secondary } = regions;

    this.network = new PlatformNetwork(this, 'Network', {
      settings: { ...config.network, cidr: secondary.cidr, availabilityZones: secondary.availabilityZones },
    });
    const { vpc } = this.network;
    this.topics = new AlertTopics(this, 'Alerts', { settings: config.alerting });
    const webAcl = config.waf.enabled
      ? new PlatformWebAcl(this, 'WebAcl', { settings: config.waf, metricPrefix: `${config.name}-standby` })
      : undefined;
    this.edge = new PlatformLoadBalancer(this, 'Edge', {
      webAcl,
      vpc,
      settings: config.loadBalancing,
      appPort: config.fleet.appPort,
      domain: { ...domain, certificateArn: secondary.certificateArn },
      deletionProtection: config.loadBalancing.deletionProtection,
    });

    this.cache = new SecondaryCache(this, 'Cache', {
      vpc,
      globalReplicationGroupId: globalData.globalReplicationGroupId,
      nodes: secondary.cacheNodes,
      port: config.cache.port,
    });
    this.database = new SecondaryDatabase(this, 'Database', {
      vpc,
      settings: config.database,
      globalClusterIdentifier: globalData.globalClusterIdentifier,
      readers: secondary.databaseReaders,
    });
    // Secrets Manager replicas keep the primary secret's name and suffix: only the region differs.
    this.cacheAuthSecretArn = inRegion(primary.dataTier.cache.authSecret.secretArn, this.region);
    this.databaseSecretArn = inRegion(primary.dataTier.database.secret.secretArn, this.region);

    this.fleet = new PlatformFleet(this, 'Fleet', {
      vpc,
      settings: {
        ...config.fleet,
        minCapacity: secondary.standbyCapacity,
        desiredCapacity: undefined,
        app: { ...config.fleet.app, image: secondary.image ?? config.fleet.app.image },
      },
      targetGroup: this.edge.primaryTargetGroup,
      loadBalancerSecurityGroup: this.edge.securityGroup,
      notificationTopic: this.topics.info,
      logRetentionDays: config.controlPlane.logRetentionDays,
      appEnvironment: {
        REDIS_HOST: this.cache.primaryEndpoint,
        REDIS_PORT: String(this.cache.port),
        REDIS_TLS: 'true',
        REDIS_AUTH_SECRET_ARN: this.cacheAuthSecretArn,
        DB_HOST: this.database.endpoint,
        DB_PORT: String(this.database.port),
        DB_NAME: config.database.databaseName,
        DB_USER: config.database.appUser,
        DB_IAM_AUTH: 'true',
        METRICS_SERVICE: config.endpoints.service,
      },
    });
    this.cache.allowFrom(this.fleet.autoScalingGroup, 'MisyBot standby fleet');
    this.database.allowFrom(this.fleet.autoScalingGroup, 'MisyBot standby fleet');
    Secret.fromSecretCompleteArn(this, 'CacheAuthReplica', this.cacheAuthSecretArn).grantRead(
      this.fleet.role,
    );
    this.database.grantConnect(this.fleet.role, config.database.appUser);

    this.dns = new RegionalDnsFailover(this, 'Dns', {
      domain,
      failover: config.failover,
      healthCheckPath: config.loadBalancing.healthCheck.path,
      primary: {
        region: regions.primary.region,
        dnsName: primary.dataTier.edge.loadBalancer.loadBalancerDnsName,
        hostedZoneId: primary.dataTier.edge.loadBalancer.loadBalancerCanonicalHostedZoneId,
      },
      secondary: {
        region: secondary.region,
        dnsName: this.edge.loadBalancer.loadBalancerDnsName,
        hostedZoneId: this.edge.loadBalancer.loadBalancerCanonicalHostedZoneId,
      },
    });

    this.regionFailover = new RegionFailoverControl(this, 'RegionFailover', {
      platformName: config.name,
      regions,
      activeCapacity: config.fleet.minCapacity,
      standbyAutoScalingGroupArn: this.fleet.autoScalingGroup.autoScalingGroupArn,
      platformTag: config.name,
      stateTable: TableV2.fromTableName(this, 'StateReplica', primary.controlPlane.state.table.tableName),
      stateKey: props.stateKey,
      topics: this.topics,
      logRetentionDays: config.controlPlane.logRetentionDays,
      memorySize: config.controlPlane.memoryMiB,
      resources: {
        globalClusterIdentifier: globalData.globalClusterIdentifier,
        globalReplicationGroupId: globalData.globalReplicationGroupId,
        primaryRegion: regions.primary.region,
        primaryGateHealthCheckId: this.dns.primaryGate.healthCheckId,
        regions: {
          [regions.primary.region]: {
            region: regions.primary.region,
            clusterArn: primary.dataTier.database.cluster.clusterArn,
            replicationGroupId: primary.dataTier.cache.replicationGroupId,
            autoScalingGroupName: primary.dataTier.fleet.autoScalingGroup.autoScalingGroupName,
            healthCheckId: this.dns.primaryHealthCheck.healthCheckId,
            secretArns: [
              primary.dataTier.cache.authSecret.secretArn,
              primary.dataTier.database.secret.secretArn,
            ],
            databaseInstanceClass: `db.${config.database.instanceClass}`,
          },
          [secondary.region]: {
            region: secondary.region,
            clusterArn: this.database.clusterArn,
            replicationGroupId: this.cache.replicationGroupId,
            autoScalingGroupName: this.fleet.autoScalingGroup.autoScalingGroupName,
            healthCheckId: this.dns.secondaryHealthCheck.healthCheckId,
            ...(this.edge.certificateArn ? { certificateArn: this.edge.certificateArn } : {}),
            secretArns: [this.cacheAuthSecretArn, this.databaseSecretArn],
            databaseInstanceClass: `db.${config.database.instanceClass}`,
          },
        },
      },
    });

    acknowledgePlatformFindings(this, {
      autoScalingGroupArns: [this.fleet.autoScalingGroup.autoScalingGroupArn],
    });

    new CfnOutput(this, 'EndpointUrl', { value: this.edge.endpointUrl });
    new CfnOutput(this, 'RegionFailoverFunctionName', { value: this.regionFailover.function.functionName });
    new CfnOutput(this, 'SecondaryClusterIdentifier', { value: this.database.clusterIdentifier });
    new CfnOutput(this, 'SecondaryReplicationGroupId', { value: this.cache.replicationGroupId });
    new CfnOutput(this, 'PrimaryHealthCheckId', { value: this.dns.primaryHealthCheck.healthCheckId });
    new CfnOutput(this, 'PrimaryGateHealthCheckId', { value: this.dns.primaryGate.healthCheckId });
  }

  /** Zones named in `regions.secondary`, so the stack needs no lookup. */
  override get availabilityZones(): string[] {
    const zones = this.regions?.secondary.availabilityZones;
    return zones ? [...zones] : super.availabilityZones;
  }
}

/** `arn` (a token of the primary region) with its region field replaced by `region`. */
function inRegion(arn: string, region: string): string {
  const parts = Fn.split(':', arn, 7);
  return Fn.join(':', [
    Fn.select(0, parts),
    Fn.select(1, parts),
    Fn.select(2, parts),
    region,
    Fn.select(4, parts),
    Fn.select(5, parts),
    Fn.select(6, parts),
  ]);
}
