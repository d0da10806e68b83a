import * as z from '../../shared/config/zod';
import type { Lock } from '../coordination';
import { FAILOVER_COMPONENTS } from '../failover/types';
import type { HealthCheck } from '../health/check-schema';
import { componentId } from '../health/component-id';
import type { ComponentDefinition } from '../health/health-config';
import type { MutationDeps } from './mutation';
import type {
  AdminReadModel,
  CacheInvalidator,
  CacheStatsSource,
  FailoverCommander,
  FailoverReadModel,
  LoadBalancerBackend,
  QueryAnalyzer,
  QueryReports,
  RegionCommander,
  RegionReadModel,
  ScalingBackend,
  ScalingEvaluator,
  SilenceStore,
} from './ports';

/** Without a Route 53 failover pair (no domain, or a standby region) DNS is no component of its own. */
export const DEFAULT_FAILOVER_COMPONENTS = FAILOVER_COMPONENTS.filter((component) => component !== 'dns');

/**
 * What the admin API knows about the deployment: the health topology (so it lists configured
 * checks, including those never run), the fleet's group, the failover components that exist and
 * the target groups. The CDK construct writes it to the function's environment as JSON.
 */
export const adminSettingsSchema = z.strictObject({
  health: z.prefault(
    z.strictObject({
      components: z._default(
        z.array(z.strictObject({ id: componentId, dependsOn: z._default(z.array(componentId), []) })),
        [],
      ),
      checks: z._default(
        z.array(
          z.strictObject({
            id: z.string().check(z.minLength(1)),
            component: componentId,
            critical: z._default(z.boolean(), false),
            description: z.optional(z.string()),
          }),
        ),
        [],
      ),
    }),
    {},
  ),
  autoScalingGroupName: z.string().check(z.minLength(1)),
  failoverComponents: z._default(z.array(z.enum(FAILOVER_COMPONENTS)), DEFAULT_FAILOVER_COMPONENTS),
  targetGroupNames: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
  /** How many scaling decisions GET /scaling/groups/{name} shows. @default 10 */
  decisionsShown: z._default(z.int().check(z.gte(1), z.lte(100)), 10),
});

export type AdminSettings = z.output<typeof adminSettingsSchema>;
export type AdminSettingsInput = z.input<typeof adminSettingsSchema>;

/** The health topology as the rollup reads it (id, component, critical, description). */
export function topologyOf(settings: AdminSettings): {
  components: ComponentDefinition[];
  checks: HealthCheck[];
} {
  return {
    components: settings.health.components,
    // The rollup reads only id, component, critical and description; probe fields stay with the
    // health-check function.
    checks: settings.health.checks as unknown as HealthCheck[],
  };
}

/** Every port and setting the routes use. Optional ports are control functions a deployment may omit. */
export interface AdminDeps extends MutationDeps {
  readonly settings: AdminSettings;
  /** The control plane's leases; capacity changes take the scaling function's lock. */
  readonly lock: Lock;
  /** Told when a lease could not be released after the change it guarded was made. */
  readonly onLockReleaseError: (error: unknown, lease: string) => void;
  readonly readModel: AdminReadModel;
  readonly silences: SilenceStore;
  readonly failover: FailoverReadModel;
  readonly failoverCommander?: FailoverCommander;
  readonly scaling: ScalingBackend;
  readonly scalingEvaluator?: ScalingEvaluator;
  readonly loadBalancer: LoadBalancerBackend;
  readonly queryReports: QueryReports;
  readonly queryAnalyzer?: QueryAnalyzer;
  readonly cacheStats: CacheStatsSource;
  readonly cacheInvalidator?: CacheInvalidator;
  /** With `regions`: the standby region's function and the region state it writes. */
  readonly regions?: { readonly commander: RegionCommander; readonly state: RegionReadModel };
}
