import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { RegionActions } from '../../../core/failover/region/ports';
import { type GlobalResources, resourcesOf } from '../../../core/failover/region/resources';
import type { RegionAction } from '../../../core/failover/region/types';
import type { ActionOutcome } from '../../../core/failover/types';
import type { AdapterClock } from '../failover/polling';
import type { GlobalDatabase } from './global-database';
import type { GlobalDatastore } from './global-datastore';
import type { RegionalDns } from './regional-dns';
import { RegionalFleet } from './regional-fleet';

/** The adapters one region run acts through. */
export interface RegionActionAdapters {
  readonly database: GlobalDatabase;
  readonly datastore: GlobalDatastore;
  readonly dns: RegionalDns;
  /** The Auto Scaling client of a region. */
  readonly autoScaling: (region: string) => AutoScalingClient;
  readonly resources: GlobalResources;
  readonly clock?: AdapterClock;
}

/** Carries out each {@link RegionAction} with the adapter that owns its resource. */
export class AwsRegionActions implements RegionActions {
  constructor(private readonly adapters: RegionActionAdapters) {}

  execute(action: RegionAction, deadline: number): Promise<ActionOutcome> {
    const { database, datastore, dns } = this.adapters;
    switch (action.kind) {
      case 'scale-fleet':
        return this.fleet(action.region).scaleTo(action.capacity, deadline);
      case 'wait-fleet':
        return this.fleet(action.region).waitFor(action.capacity, deadline);
      case 'add-database-instance':
        return database.addInstance(action.region, deadline);
      case 'switchover-database':
        return database.promote(action.region, 'switchover', deadline);
      case 'failover-database':
        return database.promote(action.region, 'failover', deadline);
      case 'wait-database-writer':
        return database.waitForWriter(action.region, deadline);
      case 'failover-cache':
        return datastore.failover(action.region, deadline);
      case 'wait-cache-primary':
        return datastore.waitForPrimary(action.region, deadline);
      case 'route-traffic':
        return dns.routeTo(action.region, deadline);
      case 'verify-traffic':
        return dns.verify(action.region, deadline);
    }
  }

  private fleet(region: string): RegionalFleet {
    const { autoScalingGroupName } = resourcesOf(this.adapters.resources, region);
    return new RegionalFleet(this.adapters.autoScaling(region), autoScalingGroupName, this.adapters.clock);
  }
}
