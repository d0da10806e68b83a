import type { Severity } from '../../core/alerting/notification';
import { type FailoverCoreSettings, resolveFailoverSettings } from '../../core/failover/settings';
import { type Component, FAILOVER_COMPONENTS } from '../../core/failover/types';
import { failoverSchema } from '../../shared/config/failover';
import { formatConfigIssues } from '../../shared/config/issues';
import * as z from '../../shared/config/zod';
import { ConfigError } from '../../shared/errors';

const SOURCE = 'failover function environment';
const componentSchema = z.enum(FAILOVER_COMPONENTS, {
  error: `must be one of ${FAILOVER_COMPONENTS.join(', ')}`,
});
const required = z
  .string({ error: 'must be set by the deployment' })
  .check(z.minLength(1, 'must not be empty'));
// CloudFormation cannot leave a variable out conditionally as easily as it can leave it empty.
const optional = z.pipe(
  z.transform((value: unknown) => (value === '' ? undefined : value)),
  z.optional(z.string()),
);

const environmentSchema = z.object({
  STATE_TABLE: required,
  CRITICAL_TOPIC_ARN: required,
  WARNING_TOPIC_ARN: required,
  INFO_TOPIC_ARN: required,
  FAILOVER_SETTINGS: failoverSchema,
  /** Health-engine component → failover component, e.g. `{"api":"dns"}`. */
  COMPONENT_MAP: z.record(z.string().check(z.minLength(1)), componentSchema),
  /** Failover component → the names of the alarms that report on it. */
  ALARM_COMPONENTS: z.partialRecord(componentSchema, z.array(z.string().check(z.minLength(1)))),
  HEALTH_CHECK_ID: optional,
  DB_CLUSTER_ID: optional,
  REPLICATION_GROUP_ID: optional,
});

const JSON_VARIABLES = ['FAILOVER_SETTINGS', 'COMPONENT_MAP', 'ALARM_COMPONENTS'] as const;

/** What the failover function was deployed with, validated once per container. */
export interface FailoverFunctionConfig {
  readonly tableName: string;
  readonly topicArns: Readonly<Record<Severity, string>>;
  readonly settings: FailoverCoreSettings;
  /** Health-engine component → failover component. */
  readonly componentMap: Readonly<Record<string, Component>>;
  /** Alarm name → the failover component it reports on. */
  readonly alarmComponents: Readonly<Record<string, Component>>;
  readonly healthCheckId?: string;
  readonly clusterIdentifier?: string;
  readonly replicationGroupId?: string;
  /** The components with a resource configured, in a stable order; the others are refused. */
  readonly configured: readonly Component[];
}

/**
 * Reads the function's environment. JSON variables are parsed first, so a problem is reported
 * by variable and field (`FAILOVER_SETTINGS.holdDownSeconds: ...`), all at once.
 * @throws {ConfigError} listing every problem.
 */
export function parseFailoverEnvironment(env: NodeJS.ProcessEnv): FailoverFunctionConfig {
  const problems: string[] = [];
  // Unset JSON variables mean "none" (and the defaults); unparsable ones are reported once.
  const input: Record<string, unknown> = {
    ...env,
    FAILOVER_SETTINGS: {},
    COMPONENT_MAP: {},
    ALARM_COMPONENTS: {},
  };
  for (const name of JSON_VARIABLES) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    try {
      input[name] = JSON.parse(text);
    } catch (error) {
      problems.push(
        `${name}: must be JSON, got ${JSON.stringify(text.slice(0, 80))} (${(error as Error).message})`,
      );
    }
  }
  const result = environmentSchema.safeParse(input);
  if (!result.success) problems.push(...formatConfigIssues(result.error.issues, input));
  if (problems.length > 0 || !result.success) throw new ConfigError(SOURCE, problems);
  const e = result.data;
  const alarmComponents: Record<string, Component> = {};
  for (const component of FAILOVER_COMPONENTS) {
    for (const alarmName of e.ALARM_COMPONENTS[component] ?? []) {
      const other = alarmComponents[alarmName];
      if (other && other !== component)
        throw new ConfigError(SOURCE, [
          `ALARM_COMPONENTS: alarm "${alarmName}" is listed under both ${other} and ${component}`,
        ]);
      alarmComponents[alarmName] = component;
    }
  }
  const resources = {
    dns: e.HEALTH_CHECK_ID,
    database: e.DB_CLUSTER_ID,
    cache: e.REPLICATION_GROUP_ID,
  } satisfies Record<Component, string | undefined>;
  return {
    tableName: e.STATE_TABLE,
    topicArns: { critical: e.CRITICAL_TOPIC_ARN, warning: e.WARNING_TOPIC_ARN, info: e.INFO_TOPIC_ARN },
    settings: resolveFailoverSettings(e.FAILOVER_SETTINGS),
    componentMap: e.COMPONENT_MAP,
    alarmComponents,
    ...(e.HEALTH_CHECK_ID ? { healthCheckId: e.HEALTH_CHECK_ID } : {}),
    ...(e.DB_CLUSTER_ID ? { clusterIdentifier: e.DB_CLUSTER_ID } : {}),
    ...(e.REPLICATION_GROUP_ID ? { replicationGroupId: e.REPLICATION_GROUP_ID } : {}),
    configured: FAILOVER_COMPONENTS.filter((component) => resources[component] !== undefined),
  };
}
