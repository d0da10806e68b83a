import type { Severity } from '../../core/alerting/notification';
import type { GlobalResources } from '../../core/failover/region/resources';
import { type RegionEngineSettings, regionEngineSettings } from '../../core/failover/region/settings';
import { formatConfigIssues } from '../../shared/config/issues';
import { regionsSchema } from '../../shared/config/regions';
import * as z from '../../shared/config/zod';
import { ConfigError } from '../../shared/errors';

const SOURCE = 'region failover function environment';
const required = z
  .string({ error: 'must be set by the deployment' })
  .check(z.minLength(1, 'must not be empty'));
const regionResourcesSchema = z.strictObject({
  region: required,
  clusterArn: z
    .string()
    .check(z.regex(/^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster:.+$/, 'must be an Aurora cluster ARN')),
  replicationGroupId: required,
  autoScalingGroupName: required,
  healthCheckId: required,
  certificateArn: z.optional(z.string()),
  secretArns: z.array(required),
  databaseInstanceClass: z
    .string()
    .check(z.regex(/^db\./, 'must be an instance class such as "db.r6g.large"')),
});
const resourcesSchema = z.strictObject({
  globalClusterIdentifier: required,
  globalReplicationGroupId: required,
  primaryRegion: required,
  primaryGateHealthCheckId: required,
  regions: z.record(z.string(), regionResourcesSchema),
});
const environmentSchema = z.object({
  STATE_TABLE: required,
  CRITICAL_TOPIC_ARN: required,
  WARNING_TOPIC_ARN: required,
  INFO_TOPIC_ARN: required,
  REGIONS: regionsSchema,
  ACTIVE_CAPACITY: z.coerce.number().check(z.int(), z.gte(1)),
  RESOURCES: resourcesSchema,
});

/** What the region failover function was deployed with, validated once per container. */
export interface RegionFunctionConfig {
  readonly tableName: string;
  readonly topicArns: Readonly<Record<Severity, string>>;
  readonly settings: RegionEngineSettings;
  readonly resources: GlobalResources;
  /** Where the function runs: the standby region, which serves the global calls. */
  readonly home: string;
}

/**
 * Reads the function's environment; JSON variables are reported by variable and field.
 * @throws {ConfigError} listing every problem.
 */
export function parseRegionEnvironment(env: NodeJS.ProcessEnv): RegionFunctionConfig {
  const problems: string[] = [];
  const input: Record<string, unknown> = { ...env };
  const unparsable = new Set<string>();
  for (const name of ['REGIONS', 'RESOURCES'] as const) {
    try {
      input[name] = env[name] === undefined ? undefined : JSON.parse(env[name]);
    } catch {
      unparsable.add(name);
      problems.push(`${name}: must be JSON, got ${JSON.stringify(env[name]?.slice(0, 40))}`);
    }
  }
  const result = environmentSchema.safeParse(input);
  if (!result.success) {
    // A variable that is not JSON was reported once already.
    const issues = result.error.issues.filter((issue) => !unparsable.has(String(issue.path[0])));
    problems.push(...formatConfigIssues(issues, input));
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(SOURCE, problems);
  const e = result.data;
  const resources = e.RESOURCES as GlobalResources;
  const settings = regionEngineSettings(e.REGIONS, e.ACTIVE_CAPACITY);
  for (const region of [settings.primaryRegion, settings.secondaryRegion]) {
    if (!resources.regions[region])
      throw new ConfigError(SOURCE, [`RESOURCES.regions: must describe ${region}, got nothing`]);
  }
  return {
    tableName: e.STATE_TABLE,
    topicArns: { critical: e.CRITICAL_TOPIC_ARN, warning: e.WARNING_TOPIC_ARN, info: e.INFO_TOPIC_ARN },
    settings,
    resources,
    home: settings.secondaryRegion,
  };
}
