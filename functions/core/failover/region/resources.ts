/**
 * The resources of the region component, as the deployment describes them to the function (a
 * contract between lib/regional and the adapters): ARNs, ids and names, no SDK types.
 */

/** One region's resources, as the region adapters address them. */
export interface RegionResources {
  readonly region: string;
  /** ARN of this region's member of the Aurora global database. */
  readonly clusterArn: string;
  /** This region's member of the Global Datastore. */
  readonly replicationGroupId: string;
  readonly autoScalingGroupName: string;
  /** Route 53 health check of this region's ALB (its own name, never the record). */
  readonly healthCheckId: string;
  /** The ALB certificate; read for the standby's readiness. */
  readonly certificateArn?: string;
  /** Secrets (ARNs in this region) the fleet needs, replicated from the primary region. */
  readonly secretArns: readonly string[];
  /** Instance class for an instance added to a headless cluster, e.g. `db.r6g.large`. */
  readonly databaseInstanceClass: string;
}

/** The global resources and both regions' members. */
export interface GlobalResources {
  readonly globalClusterIdentifier: string;
  readonly globalReplicationGroupId: string;
  /** The configured primary region: its ALB is the PRIMARY record's target. */
  readonly primaryRegion: string;
  /** The calculated check in front of the PRIMARY record (threshold 1 follows, 2 holds on the standby). */
  readonly primaryGateHealthCheckId: string;
  readonly regions: Readonly<Record<string, RegionResources>>;
}

/** The resources of `region`, or an error naming what the configuration lacks. */
export function resourcesOf(resources: GlobalResources, region: string): RegionResources {
  const found = resources.regions[region];
  if (!found) {
    throw new Error(
      `no resources configured for region "${region}" (known: ${Object.keys(resources.regions).join(', ')})`,
    );
  }
  return found;
}

/** The region field of an ARN. */
export function regionOfArn(arn: string | undefined): string | undefined {
  return arn?.split(':')[3] || undefined;
}
