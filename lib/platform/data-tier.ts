import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { PlatformConfig } from '../../functions/shared/config';
import { GlobalDataPrimary } from '../regional/global-data-primary';
import { PlatformCache } from './cache';
import { PlatformDatabase } from './database';
import { DnsFailover } from './dns-failover';
import { PlatformFleet } from './fleet';
import { PlatformLoadBalancer } from './load-balancer';
import { PlatformNetwork } from './network';
import { PlatformWebAcl } from './web-acl';

export interface PlatformDataTierProps {
  /** The validated platform configuration. */
  readonly config: PlatformConfig;
  /** Where the fleet's launch and termination notices go. */
  readonly fleetNotificationTopic: ITopic;
}

/**
 * The chatbot's edge and data tier, wired together: network, WAF (when `waf.enabled`), ALB,
 * fleet, cache, database and the Route 53 failover pair (when a domain is configured). The fleet
 * reaches the cache and the proxy by security group and reads the cache's AUTH token and signs
 * proxy logins by IAM.
 *
 * Not a construct scope of its own on purpose: a scope is part of every logical id beneath it,
 * and renaming them would make CloudFormation replace the database, the cache and the ALB of a
 * deployed platform. The constructs are created in `scope` under the ids they always had.
 */
export class PlatformDataTier {
  readonly network: PlatformNetwork;
  /** Present when `waf.enabled` (the default for `prod`). */
  readonly webAcl?: PlatformWebAcl;
  readonly edge: PlatformLoadBalancer;
  readonly cache: PlatformCache;
  readonly database: PlatformDatabase;
  readonly fleet: PlatformFleet;
  /** Present when a domain is configured and `regions` names no standby region. */
  readonly dnsFailover?: DnsFailover;
  /** The global database and datastore around this region's cluster and cache, with `regions`. */
  readonly globalData?: GlobalDataPrimary;

  constructor(scope: Construct, props: PlatformDataTierProps) {
    const { config } = props;
    this.network = new PlatformNetwork(scope, 'Network', { settings: config.network });
    const { vpc } = this.network;
    this.webAcl = config.waf.enabled
      ? new PlatformWebAcl(scope, 'WebAcl', { settings: config.waf, metricPrefix: config.name })
      : undefined;
    this.edge = new PlatformLoadBalancer(scope, 'Edge', {
      webAcl: this.webAcl,
      vpc,
      settings: config.loadBalancing,
      appPort: config.fleet.appPort,
      domain: config.domain,
      deletionProtection: config.loadBalancing.deletionProtection,
    });
    this.cache = new PlatformCache(scope, 'Cache', { vpc, settings: config.cache });
    this.database = new PlatformDatabase(scope, 'Database', { vpc, settings: config.database });
    this.fleet = new PlatformFleet(scope, 'Fleet', {
      vpc,
      settings: config.fleet,
      targetGroup: this.edge.primaryTargetGroup,
      loadBalancerSecurityGroup: this.edge.securityGroup,
      notificationTopic: props.fleetNotificationTopic,
      logRetentionDays: config.controlPlane.logRetentionDays,
      // What the demo service reads; a service of your own gets the same (see README, Deploying).
      appEnvironment: {
        REDIS_HOST: this.cache.primaryEndpoint,
        REDIS_PORT: String(this.cache.port),
        REDIS_TLS: 'true',
        REDIS_AUTH_SECRET_ARN: this.cache.authSecret.secretArn,
        DB_HOST: this.database.proxy.endpoint,
        DB_PORT: String(this.database.port),
        DB_NAME: config.database.databaseName,
        DB_USER: config.database.appUser,
        DB_IAM_AUTH: 'true',
        METRICS_SERVICE: config.endpoints.service,
      },
    });
    this.cache.allowFrom(this.fleet.autoScalingGroup, 'MisyBot fleet');
    this.database.allowFrom(this.fleet.autoScalingGroup);
    // The network path alone is not enough: the service reads the AUTH token and signs proxy logins.
    this.cache.authSecret.grantRead(this.fleet.role);
    this.database.grantConnect(this.fleet.role, config.database.appUser);

    const standby = config.regions?.secondary.region;
    // With a standby region the failover records are between the regional ALBs (StandbyRegionStack).
    if (config.domain && !standby) {
      this.dnsFailover = new DnsFailover(scope, 'DnsFailover', {
        domain: config.domain,
        failover: config.failover,
        loadBalancer: this.edge.loadBalancer,
        healthCheckPath: config.loadBalancing.healthCheck.path,
      });
    }

    if (standby) {
      this.globalData = new GlobalDataPrimary(scope, 'GlobalData', {
        platformName: config.name,
        cluster: this.database.cluster,
        cache: this.cache,
        standbyRegion: standby,
        deletionProtection: config.database.deletionProtection,
      });
    }
  }
}
