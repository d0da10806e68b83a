import {
  ComponentNotConfiguredError,
  type FailoverActions,
  type HealthObserver,
  type ResourceAction,
} from '../../../core/failover/ports';
import type { ActionOutcome, Component, HealthSnapshot } from '../../../core/failover/types';
import type { AuroraCluster } from './aurora';
import type { AuroraObserver } from './aurora-observer';
import type { ElastiCacheReplicationGroup } from './elasticache';
import type { RdsMultiAzInstance } from './rds-multi-az';
import type { Route53Dns } from './route53-dns';

/** The resources this deployment fails over; a component left out cannot be acted on. */
export interface AwsFailoverResources {
  readonly dns?: Route53Dns;
  readonly database?:
    | { readonly kind: 'aurora-cluster'; readonly cluster: AuroraCluster; readonly observer: AuroraObserver }
    | { readonly kind: 'multi-az-instance'; readonly instance: RdsMultiAzInstance };
  readonly cache?: ElastiCacheReplicationGroup;
}

const notConfigured = (what: string): ActionOutcome => ({
  ok: false,
  failure: 'rejected',
  message: `${what} is not configured for this deployment`,
  accepted: false,
});

/** Routes each plan step and health read to the adapter of its component. */
export class AwsFailoverActions implements FailoverActions, HealthObserver {
  constructor(private readonly resources: AwsFailoverResources) {}

  execute(action: ResourceAction, deadline: number): Promise<ActionOutcome> {
    const { dns, database, cache } = this.resources;
    switch (action.kind) {
      case 'invert-health-check':
      case 'restore-health-check':
        if (!dns) return Promise.resolve(notConfigured('the Route 53 health check'));
        return dns.setInverted(action.kind === 'invert-health-check', deadline);
      case 'verify-dns-routing':
        if (!dns) return Promise.resolve(notConfigured('the Route 53 health check'));
        return dns.verifyRouting(action.expect, deadline);
      case 'aurora-failover':
        if (database?.kind !== 'aurora-cluster') return Promise.resolve(notConfigured('an Aurora cluster'));
        return database.cluster.failover(action.targetInstance, deadline);
      case 'wait-for-writer':
        if (database?.kind !== 'aurora-cluster') return Promise.resolve(notConfigured('an Aurora cluster'));
        return database.cluster.waitForWriter(action.instance, deadline);
      case 'rds-reboot-failover':
        if (database?.kind !== 'multi-az-instance')
          return Promise.resolve(notConfigured('a Multi-AZ instance'));
        return database.instance.rebootWithFailover(deadline);
      case 'wait-for-instance-zone':
        if (database?.kind !== 'multi-az-instance')
          return Promise.resolve(notConfigured('a Multi-AZ instance'));
        return database.instance.waitForZone(action.zone, deadline);
      case 'elasticache-test-failover':
        if (!cache) return Promise.resolve(notConfigured('an ElastiCache replication group'));
        return cache.testFailover(deadline);
      case 'wait-for-cache-primary':
        if (!cache) return Promise.resolve(notConfigured('an ElastiCache replication group'));
        return cache.waitForNewPrimary(action.formerPrimary, deadline);
    }
  }

  /** @throws {ComponentNotConfiguredError} for a component without a resource. */
  async observe(component: Component): Promise<HealthSnapshot> {
    const { dns, database, cache } = this.resources;
    if (component === 'dns' && dns) return dns.observe();
    if (component === 'cache' && cache) return cache.observe();
    if (component === 'database' && database)
      return database.kind === 'aurora-cluster' ? database.observer.observe() : database.instance.observe();
    throw new ComponentNotConfiguredError(component);
  }
}
