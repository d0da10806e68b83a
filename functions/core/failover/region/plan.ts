import type { RegionEngineSettings } from './settings';
import type { RegionAction, RegionObservation } from './types';

/** Whether the promotion keeps every committed write (switchover) or accepts losing the lag (failover). */
export type Promotion = 'switchover' | 'failover';

/**
 * The steps that move the platform from `from` to `to`. The standby fleet starts scaling first
 * and is waited for just before traffic moves, so it grows while the database and cache are
 * promoted; a headless cluster gets an instance before its promotion. Traffic moves last, once
 * the new region can write.
 */
export function switchPlan(
  to: string,
  promotion: Promotion,
  observation: RegionObservation,
  settings: RegionEngineSettings,
): RegionAction[] {
  const capacity = settings.activeCapacity;
  const headless = (observation.standby.databaseInstances ?? 0) === 0;
  return [
    { kind: 'scale-fleet', region: to, capacity },
    ...(headless ? [{ kind: 'add-database-instance', region: to } as const] : []),
    promotion === 'switchover'
      ? { kind: 'switchover-database', region: to }
      : { kind: 'failover-database', region: to, allowDataLoss: true },
    { kind: 'wait-database-writer', region: to },
    { kind: 'failover-cache', region: to },
    { kind: 'wait-cache-primary', region: to },
    { kind: 'wait-fleet', region: to, capacity },
    { kind: 'route-traffic', region: to },
    { kind: 'verify-traffic', region: to },
  ];
}

/** Actions that change something in AWS (the others only wait or read). */
export function isRegionMutation(action: RegionAction): boolean {
  return !['wait-fleet', 'wait-database-writer', 'wait-cache-primary', 'verify-traffic'].includes(
    action.kind,
  );
}

/** A one-line description of an action for logs, alerts and the timeline. */
export function describeRegionAction(action: RegionAction): string {
  switch (action.kind) {
    case 'scale-fleet':
      return `scale the fleet in ${action.region} to ${action.capacity}`;
    case 'wait-fleet':
      return `wait for ${action.capacity} healthy instances in ${action.region}`;
    case 'add-database-instance':
      return `add an instance to the headless cluster in ${action.region}`;
    case 'switchover-database':
      return `switch the global database over to ${action.region} (no data loss)`;
    case 'failover-database':
      return `fail the global database over to ${action.region}, allowing data loss`;
    case 'wait-database-writer':
      return `wait for the writer in ${action.region}`;
    case 'failover-cache':
      return `fail the Global Datastore over to ${action.region}`;
    case 'wait-cache-primary':
      return `wait for the cache primary in ${action.region}`;
    case 'route-traffic':
      return `route DNS to ${action.region}`;
    case 'verify-traffic':
      return `verify DNS serves ${action.region}`;
  }
}
