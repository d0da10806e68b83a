import { regionEngineSettings } from '../../../../../functions/core/failover/region/settings';
import type { RegionObservation } from '../../../../../functions/core/failover/region/types';

export const PRIMARY = 'eu-west-1';
export const SECONDARY = 'eu-central-1';
export const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const DAY = 24 * 3600 * 1000;

/** The engine settings of config/two-regions.json with its defaults: hold-down 300 s, budget 1 a day. */
export const settings = regionEngineSettings(
  {
    primary: { region: PRIMARY },
    secondary: {
      region: SECONDARY,
      cidr: '10.30.0.0/16',
      standbyCapacity: 1,
      databaseReaders: 1,
      cacheNodes: 2,
    },
    failover: {
      automatic: true,
      automaticFailoversPer24Hours: 1,
      holdDownSeconds: 300,
      minSecondsBetweenSwitches: 3600,
      maxReplicationLagMs: 5000,
      maxRpoLagSeconds: 60,
      maxReadingAgeSeconds: 180,
      certificateMinDaysValid: 14,
      actionTimeoutSeconds: 900,
    },
  },
  4,
);

/** Both regions fine, read at `now`: the active one healthy, lag low, the standby ready. */
export function observation(now: number, overrides: Partial<RegionObservation> = {}): RegionObservation {
  return {
    observedAt: now,
    global: {
      databaseWriterRegion: PRIMARY,
      databaseStatus: 'available',
      cachePrimaryRegion: PRIMARY,
      cacheStatus: 'available',
    },
    health: {
      [PRIMARY]: { healthy: true, at: now - 10_000 },
      [SECONDARY]: { healthy: true, at: now - 10_000 },
    },
    replicationLagMs: { value: 800, at: now - 60_000, complete: true },
    rpoLagSeconds: { value: 2, at: now - 60_000, complete: true },
    standby: {
      fleet: { inService: 1, desired: 1, max: 10 },
      certificate: { status: 'ISSUED', notAfter: now + 200 * DAY },
      secrets: [
        { name: 'cache-auth', inSync: true },
        { name: 'database', inSync: true },
      ],
      databaseInstances: 1,
    },
    ...overrides,
  };
}

/** The same observation with the active (primary) region's ALB unhealthy. */
export function primaryDown(now: number, overrides: Partial<RegionObservation> = {}): RegionObservation {
  const base = observation(now, overrides);
  return { ...base, health: { ...base.health, [PRIMARY]: { healthy: false, at: now - 5_000 } } };
}
