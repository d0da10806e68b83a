import type { HealthCheck } from './check-schema';
import {
  alertTimingSchema,
  type ComponentDefinition,
  flappingSchema,
  type HealthCheckConfig,
} from './health-config';

/** A control function whose own `Errors` are checked. */
export interface ControlFunctionRef {
  /** Short literal name used in the check id, e.g. `scaling` → `control-scaling-errors`. */
  readonly name: string;
  /** The Lambda function name (a deploy-time token in the CDK app). */
  readonly functionName: string;
}

/**
 * What the platform's checks are built from. String values may be CDK tokens: this builder only
 * places them, it never parses them, so the stack can call it at synth time.
 */
export interface PlatformCheckInputs {
  /** The public endpoint without a trailing slash: `https://api.example.com` or `http://<alb dns>`. */
  readonly endpointUrl: string;
  /** The ALB health-check path, e.g. `/health`. */
  readonly healthCheckPath: string;
  /** HTTP codes the endpoint must answer with (ALB matcher syntax). @default '200-299' */
  readonly expectedStatus?: string;
  /** Target group ARNs behind the listener; the first is the fleet's, the others take canaries. */
  readonly targetGroupArns: readonly string[];
  /** Healthy targets the fleet's target group needs. @default 1 */
  readonly minHealthyTargets?: number;
  readonly clusterIdentifier: string;
  /** Reader lag that makes the database check warn. @default 1000 */
  readonly maxReplicaLagMs?: number;
  readonly replicationGroupId: string;
  /**
   * The data path as the service sees it: the keys under `dependencies` in the body of
   * `healthCheckPath` (the demo's contract) and how slow each may answer; `false` leaves these
   * checks out, for an application whose health body does not report its dependencies.
   * @default { database: 'database', cache: 'cache', maxCacheLatencyMs: 250 }
   */
  readonly dataPath?: DataPathInputs | false;
  /** Control functions whose CloudWatch `Errors` are checked. @default [] */
  readonly controlFunctions?: readonly ControlFunctionRef[];
  /** Per-probe timeout. @default 5000 */
  readonly timeoutMs?: number;
  /** Consecutive failures before a check is unhealthy. @default 2 */
  readonly failureThreshold?: number;
  /** Consecutive successes before a check is healthy again. @default 2 */
  readonly successThreshold?: number;
}

/** The keys and latency bounds of the data-path checks (see {@link PlatformCheckInputs.dataPath}). */
export interface DataPathInputs {
  /** @default 'database' */
  readonly database?: string;
  /** @default 'cache' */
  readonly cache?: string;
  /**
   * Left out, the database's speed is not judged: the service's own probe gives up on it (the
   * demo's after 1 s) and reports it down, and a bound below that would also fire on an instance
   * too starved of CPU to time its queries. @default none
   */
  readonly maxDatabaseLatencyMs?: number;
  /** Redis answers in well under a millisecond in the same VPC. @default 250 */
  readonly maxCacheLatencyMs?: number;
}

/** The component ids {@link platformHealthChecks} declares. */
export const PLATFORM_COMPONENTS = ['api', 'fleet', 'database', 'cache', 'control-plane'] as const;

/**
 * The platform's health checks: the public endpoint (`api`), ALB target health (`fleet`), Aurora
 * (`database`), ElastiCache (`cache`) and the control functions' errors (`control-plane`, only
 * when some are given). `api` depends on `fleet`, and `fleet` on `database` and `cache`, so a
 * data-tier outage pages once, for its cause, not again for each symptom upstream.
 *
 * The AWS APIs say whether the cluster and the replication group are available, not whether the
 * service can use them, so `database` and `cache` also read the service's own report of each
 * (`dependency` checks on the health path). The database's is critical: without it requests fail,
 * so the component is `down` and pages as such. The cache's is not: the service reads through it
 * fail-open, so a slow or lost cache costs latency and the component is `degraded`. Neither moves
 * the failover engine, which switches a database or cache only on its own observation of the
 * RDS or ElastiCache API (`functions/core/failover/evidence.ts`).
 * @throws {RangeError} when no target group is given.
 */
export function platformHealthChecks(inputs: PlatformCheckInputs): HealthCheckConfig {
  if (inputs.targetGroupArns.length === 0) {
    throw new RangeError('targetGroupArns must name at least the fleet target group, got none');
  }
  const common = {
    timeoutMs: inputs.timeoutMs ?? 5000,
    failureThreshold: inputs.failureThreshold ?? 2,
    successThreshold: inputs.successThreshold ?? 2,
  };
  const functions = inputs.controlFunctions ?? [];
  const components: ComponentDefinition[] = [
    { id: 'api', description: 'Public endpoint through the load balancer', dependsOn: ['fleet'] },
    {
      id: 'fleet',
      description: 'Application instances behind the load balancer',
      dependsOn: ['database', 'cache'],
    },
    { id: 'database', description: 'Aurora PostgreSQL cluster', dependsOn: [] },
    { id: 'cache', description: 'ElastiCache Redis replication group', dependsOn: [] },
    ...(functions.length > 0
      ? [{ id: 'control-plane', description: 'Control-plane functions', dependsOn: [] }]
      : []),
  ];
  const checks: HealthCheck[] = [
    {
      ...common,
      id: 'api-endpoint',
      component: 'api',
      description: `GET ${inputs.healthCheckPath} on the public endpoint`,
      critical: true,
      kind: 'http',
      url: `${inputs.endpointUrl}${inputs.healthCheckPath}`,
      method: 'GET',
      headers: {},
      expectedStatus: inputs.expectedStatus ?? '200-299',
      maxBodyBytes: 65_536,
      tlsExpiryWarningDays: 14,
    },
    ...inputs.targetGroupArns.map(
      (targetGroupArn, index): HealthCheck => ({
        ...common,
        id: index === 0 ? 'fleet-targets' : `fleet-targets-${index + 1}`,
        component: 'fleet',
        description: index === 0 ? 'Fleet target group' : `Target group ${index + 1}`,
        // Only the fleet's group must have targets; the others are empty between canaries.
        critical: index === 0,
        kind: 'alb-target-health',
        targetGroupArn,
        minHealthy: index === 0 ? (inputs.minHealthyTargets ?? 1) : 0,
      }),
    ),
    {
      ...common,
      id: 'database-cluster',
      component: 'database',
      description: 'Aurora cluster, writer and readers',
      critical: true,
      kind: 'aurora',
      clusterId: inputs.clusterIdentifier,
      maxReplicaLagMs: inputs.maxReplicaLagMs ?? 1000,
    },
    {
      ...common,
      id: 'cache-replication-group',
      component: 'cache',
      description: 'Redis primary and replicas',
      critical: true,
      kind: 'elasticache',
      replicationGroupId: inputs.replicationGroupId,
    },
    ...dataPathChecks(inputs, common),
    ...functions.map(
      (fn): HealthCheck => ({
        ...common,
        id: `control-${fn.name}-errors`,
        component: 'control-plane',
        description: `${fn.name} function errors`,
        critical: false,
        kind: 'lambda-errors',
        functionName: fn.functionName,
        maxErrors: 0,
        windowMinutes: 5,
      }),
    ),
  ];
  return {
    components,
    checks,
    flapping: flappingSchema.parse({}),
    alerting: alertTimingSchema.parse({}),
  };
}

function dataPathChecks(
  inputs: PlatformCheckInputs,
  common: Pick<HealthCheck, 'timeoutMs' | 'failureThreshold' | 'successThreshold'>,
): HealthCheck[] {
  if (inputs.dataPath === false) return [];
  const dataPath = inputs.dataPath ?? {};
  const url = `${inputs.endpointUrl}${inputs.healthCheckPath}`;
  const check = (
    component: 'database' | 'cache',
    dependency: string,
    maxLatencyMs: number | undefined,
    critical: boolean,
  ): HealthCheck => ({
    ...common,
    id: `${component}-data-path`,
    component,
    description: `The ${component} as the service reports it (${inputs.healthCheckPath})`,
    critical,
    kind: 'dependency',
    url,
    dependency,
    ...(maxLatencyMs === undefined ? {} : { maxLatencyMs }),
    headers: {},
    maxBodyBytes: 65_536,
  });
  return [
    check('database', dataPath.database ?? 'database', dataPath.maxDatabaseLatencyMs, true),
    check('cache', dataPath.cache ?? 'cache', dataPath.maxCacheLatencyMs ?? 250, false),
  ];
}
