import type { RegionFailoverSettings, RegionsSettings } from '../../../shared/config';

/** What the region engine acts within: the config's `regions` plus the capacity a switch needs. */
export interface RegionEngineSettings extends RegionFailoverSettings {
  /** The configured primary region (the failback target). */
  readonly primaryRegion: string;
  /** The configured standby region. */
  readonly secondaryRegion: string;
  /** The fleet a region needs before it takes traffic (`fleet.minCapacity`). */
  readonly activeCapacity: number;
  /** Whether the secondary cluster is headless (`regions.secondary.databaseReaders` 0). */
  readonly headlessStandby: boolean;
  /** Days in a rolling window of the budget, in milliseconds. @default 24 hours */
  readonly budgetWindowMs: number;
}

/** The engine's settings from the validated `regions` slice and the fleet's minimum. */
export function regionEngineSettings(regions: RegionsSettings, activeCapacity: number): RegionEngineSettings {
  return {
    ...regions.failover,
    primaryRegion: regions.primary.region,
    secondaryRegion: regions.secondary.region,
    activeCapacity,
    headlessStandby: regions.secondary.databaseReaders === 0,
    budgetWindowMs: 24 * 3600 * 1000,
  };
}

/** The region that is not `region`, of the configured pair. */
export function otherRegion(settings: RegionEngineSettings, region: string): string {
  return region === settings.primaryRegion ? settings.secondaryRegion : settings.primaryRegion;
}
