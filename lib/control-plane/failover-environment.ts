import { Duration, type Stack } from 'aws-cdk-lib';
import type { IAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type Component, FAILOVER_COMPONENTS } from '../../functions/core/failover/types';
import type { FailoverSettings } from '../../functions/shared/config';
import type { SeverityTopics } from '../observability/alert-topics';

/**
 * The health engine's components the failover engine follows, by default: those of
 * `platformHealthChecks` (functions/core/health/platform-checks.ts). `api` is the public endpoint
 * Route 53 fails over; `fleet` is left out, because its outage is the ALB's targets, already
 * behind `api`, and counting both would double each check towards the failure threshold.
 */
export const DEFAULT_HEALTH_COMPONENTS: Readonly<Record<string, Component>> = {
  api: 'dns',
  database: 'database',
  cache: 'cache',
};

/** The settings the engine reads (functions/core/failover/settings.ts); DNS record fields stay out. */
const ENGINE_SETTINGS = [
  'autoFailback',
  'holdDownSeconds',
  'maxAutomaticFailoversPerHour',
  'maxReplicaLagSeconds',
  'failureThreshold',
  'minUnhealthySeconds',
  'recoveryConsecutiveChecks',
  'minSecondsBetweenFailovers',
  'standbyCapacityFraction',
  'actionTimeoutSeconds',
  'maxTestFailoversPer24Hours',
  'preferredDatabaseTarget',
] as const satisfies readonly (keyof FailoverSettings)[];

/**
 * The function's timeout. The longest plan is a drill: two switches (a database drill is a
 * `FailoverDBCluster` and the wait for the writer, then the same back), each wait bounded by
 * `actionTimeoutSeconds`, plus a minute for the calls, the state writes and the alerts. Capped
 * at Lambda's 900 s, which is also the operation lease: a run cut off there leaves its lease,
 * and the next run after it verifies where the component stands instead of acting again.
 */
export function failoverTimeout(actionTimeoutSeconds: number): Duration {
  if (!Number.isInteger(actionTimeoutSeconds) || actionTimeoutSeconds < 1)
    throw new Error(`failover actionTimeoutSeconds must be a positive integer, got ${actionTimeoutSeconds}.`);
  return Duration.seconds(Math.min(900, 2 * actionTimeoutSeconds + 60));
}

/** What the environment needs from the construct's props. */
export interface FailoverEnvironmentProps {
  readonly stateTable: ITable;
  readonly topics: SeverityTopics;
  readonly healthCheckId?: string;
  readonly clusterIdentifier: string;
  readonly replicationGroupId: string;
  readonly settings: FailoverSettings;
  readonly componentAlarms: readonly { readonly component: Component; readonly alarm: IAlarm }[];
  readonly healthComponents?: Readonly<Record<string, Component>>;
}

/**
 * The failover function's environment (parsed by functions/handlers/failover/config.ts). The
 * DNS component exists only with a health check: without one, health verdicts for it are not
 * routed and an alarm mapped to it is a wiring mistake.
 * @throws {Error} for an alarm or health component mapped to a component that is not configured.
 */
export function failoverEnvironment(stack: Stack, props: FailoverEnvironmentProps) {
  const configured = (component: Component) => component !== 'dns' || props.healthCheckId !== undefined;
  const componentMap: Record<string, Component> = {};
  for (const [health, component] of Object.entries(props.healthComponents ?? DEFAULT_HEALTH_COMPONENTS)) {
    if (!FAILOVER_COMPONENTS.includes(component))
      throw new Error(
        `healthComponents.${health} must be one of ${FAILOVER_COMPONENTS.join(', ')}, got "${component}".`,
      );
    if (configured(component)) componentMap[health] = component;
  }
  const alarms: Partial<Record<Component, string[]>> = {};
  for (const { component, alarm } of props.componentAlarms) {
    if (!configured(component))
      throw new Error(
        `componentAlarms: alarm ${alarm.node.path} reports on ${component}, which needs healthCheckId; pass one or leave the alarm out.`,
      );
    alarms[component] = [...(alarms[component] ?? []), alarm.alarmName];
  }
  const settings = Object.fromEntries(
    ENGINE_SETTINGS.filter((key) => props.settings[key] !== undefined).map((key) => [
      key,
      props.settings[key],
    ]),
  );
  const variables: Record<string, string> = {
    STATE_TABLE: props.stateTable.tableName,
    CRITICAL_TOPIC_ARN: props.topics.topic('critical').topicArn,
    WARNING_TOPIC_ARN: props.topics.topic('warning').topicArn,
    INFO_TOPIC_ARN: props.topics.topic('info').topicArn,
    FAILOVER_SETTINGS: JSON.stringify(settings),
    COMPONENT_MAP: JSON.stringify(componentMap),
    // Alarm names are tokens until deploy time: the component is the key, the names the values.
    ALARM_COMPONENTS: stack.toJsonString(alarms),
    DB_CLUSTER_ID: props.clusterIdentifier,
    REPLICATION_GROUP_ID: props.replicationGroupId,
    ...(props.healthCheckId ? { HEALTH_CHECK_ID: props.healthCheckId } : {}),
  };
  return { variables, componentMap };
}
