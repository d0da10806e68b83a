import { fleetImageSchema } from './fleet-image';
import { intRange } from './primitives';
import * as z from './zod';

/**
 * A warm standby region: where the second stack goes, how much of it runs while it waits, and the
 * limits the region failover engine (functions/core/failover/region) acts within. Left out, the
 * platform lives in one region, as before. In zod/mini: the region failover function validates
 * these at its cold start, and the platform schema embeds the same schemas.
 */

const regionName = z
  .string()
  .check(z.regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region such as "eu-west-1"'));
const zoneNames = z
  .array(
    z.string().check(z.regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, 'must be a zone name such as "eu-west-1a"')),
  )
  .check(z.minLength(2), z.maxLength(3));

export const primaryRegionSchema = z.strictObject({
  /** Where the writer, the cache primary and the first stack live; `environment.region` is this one. */
  region: regionName,
});

export const secondaryRegionSchema = z.strictObject({
  /** The standby region: the Aurora secondary cluster, the cache's secondary group and a standby fleet. */
  region: regionName,
  /** Zones named so synth needs no lookup; left out, two chosen at deploy time. */
  availabilityZones: z.optional(zoneNames),
  /** The standby VPC; must differ from `network.cidr` so the two can ever be peered. @default '10.30.0.0/16' */
  cidr: z._default(
    z
      .string()
      .check(z.regex(/^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-4])$/, 'must be an IPv4 CIDR between /16 and /24')),
    '10.30.0.0/16',
  ),
  /** Instances the standby fleet keeps running (at least one signals a healthy start); a switch scales it to `fleet.minCapacity` first. @default 1 */
  standbyCapacity: z._default(intRange(1, 1000), 1),
  /** Readers of the secondary Aurora cluster; 0 keeps it headless (storage only, cheapest, slowest to take over). @default 1 */
  databaseReaders: z._default(intRange(0, 15), 1),
  /** Nodes of the cache's secondary replication group (one primary-to-be and its replicas). @default 2 */
  cacheNodes: z._default(intRange(1, 6), 2),
  /** An ACM certificate in this region for the host name; left out, one is issued with DNS validation. */
  certificateArn: z.optional(
    z
      .string()
      .check(
        z.regex(
          /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/,
          'must be an ACM certificate ARN',
        ),
      ),
  ),
  /** The standby fleet's image when `fleet.app.image` names an AMI id, which is regional. */
  image: z.optional(fleetImageSchema),
});

export const regionFailoverSchema = z.strictObject({
  /** Whether the engine may fail over on its own, within `automaticFailoversPer24Hours`. @default true */
  automatic: z._default(z.boolean(), true),
  /** Automatic region failovers per rolling 24 hours; beyond it a human confirms. 0: always a human. @default 1 */
  automaticFailoversPer24Hours: z._default(intRange(0, 10), 1),
  /** The active region must stay unhealthy this long, with fresh readings, before an automatic failover. @default 300 */
  holdDownSeconds: z._default(intRange(60, 3600), 300),
  /** Switches (automatic ones) at least this far apart. @default 3600 */
  minSecondsBetweenSwitches: z._default(intRange(0, 86_400), 3600),
  /** `AuroraGlobalDBReplicationLag` above this refuses an automatic failover. @default 5000 */
  maxReplicationLagMs: z._default(intRange(1, 600_000), 5000),
  /** `AuroraGlobalDBRPOLag` above this refuses an automatic failover: the data it would lose. @default 60 */
  maxRpoLagSeconds: z._default(intRange(1, 3600), 60),
  /** Readings older than this count as unknown, and unknown fails closed. @default 180 */
  maxReadingAgeSeconds: z._default(intRange(30, 900), 180),
  /** The standby's certificate must stay valid at least this long. @default 14 */
  certificateMinDaysValid: z._default(intRange(1, 90), 14),
  /** Deadline of each step (a global switchover takes minutes). @default 900 */
  actionTimeoutSeconds: z._default(intRange(60, 900), 900),
});

export const regionsSchema = z.strictObject({
  primary: primaryRegionSchema,
  secondary: secondaryRegionSchema,
  failover: z.prefault(regionFailoverSchema, {}),
});

export type PrimaryRegionSettings = z.output<typeof primaryRegionSchema>;
export type SecondaryRegionSettings = z.output<typeof secondaryRegionSchema>;
export type RegionFailoverSettings = z.output<typeof regionFailoverSchema>;
export type RegionsSettings = z.output<typeof regionsSchema>;

interface RegionRuleInput {
  readonly regions?: RegionsSettings;
  readonly environment: { readonly region?: string };
  readonly domain?: unknown;
  readonly failover: { readonly secondary?: unknown };
  readonly network: { readonly cidr: string };
  readonly cache: { readonly nodeType: string };
  readonly database: { readonly instanceClass: string };
  readonly fleet: { readonly minCapacity: number; readonly app: { readonly image?: object } };
}

/**
 * The cross-field rules of `regions`: what Aurora Global Database, Global Datastore and Route 53
 * need of the rest of the configuration. Each message names the field and what it got.
 */
export function checkRegions(
  config: RegionRuleInput,
  issue: (path: (string | number)[], message: string) => void,
): void {
  const { regions } = config;
  if (!regions) return;
  const { primary, secondary } = regions;
  if (secondary.region === primary.region) {
    issue(
      ['regions', 'secondary', 'region'],
      `must differ from regions.primary.region, got "${secondary.region}" for both`,
    );
  }
  if (config.environment.region !== undefined && config.environment.region !== primary.region) {
    issue(
      ['environment', 'region'],
      `must equal regions.primary.region ("${primary.region}") or be left out, got "${config.environment.region}"`,
    );
  }
  const zones = secondary.availabilityZones;
  if (zones?.some((zone) => !zone.startsWith(secondary.region))) {
    issue(
      ['regions', 'secondary', 'availabilityZones'],
      `must be zones of regions.secondary.region (${secondary.region}), got ${JSON.stringify(zones)}`,
    );
  }
  if (!config.domain) {
    issue(
      ['domain'],
      'must be set with regions (the Route 53 failover records between the regional ALBs go in its zone), got nothing',
    );
  }
  if (config.failover.secondary) {
    issue(
      ['failover', 'secondary'],
      "must be left out with regions (the secondary record is the standby region's ALB), got a target",
    );
  }
  if (secondary.cidr === config.network.cidr) {
    issue(
      ['regions', 'secondary', 'cidr'],
      `must differ from network.cidr, got "${secondary.cidr}" for both`,
    );
  }
  if (secondary.standbyCapacity > config.fleet.minCapacity) {
    issue(
      ['regions', 'secondary', 'standbyCapacity'],
      `must be ≤ fleet.minCapacity (${config.fleet.minCapacity}), the capacity a switch scales the standby to, got ${secondary.standbyCapacity}`,
    );
  }
  // Global Datastore runs on M and R node families only; Aurora Global Database on R and X classes.
  if (!/^cache\.(m|r)\d/.test(config.cache.nodeType)) {
    issue(
      ['cache', 'nodeType'],
      `must be an M or R family node type with regions (Global Datastore supports no other), got "${config.cache.nodeType}"`,
    );
  }
  if (!/^(r|x)\d/.test(config.database.instanceClass)) {
    issue(
      ['database', 'instanceClass'],
      `must be an R or X class with regions (Aurora Global Database supports no burstable class), got "${config.database.instanceClass}"`,
    );
  }
  if (config.fleet.app.image && 'amiId' in config.fleet.app.image && !secondary.image) {
    issue(
      ['regions', 'secondary', 'image'],
      'must be set when fleet.app.image names an AMI id (ids are regional), got nothing',
    );
  }
}
