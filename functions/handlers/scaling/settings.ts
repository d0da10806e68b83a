import { PolicyError, type PolicySet, parsePolicySet } from '../../core/scaling/policy-schema';
import { readEnv } from '../../shared/env';
import { ConfigError } from '../../shared/errors';

/** The scaling function's deployment, from its environment (set by `lib/control-plane/scaling-control.ts`). */
export interface ScalingFunctionSettings {
  readonly stateTable: string;
  readonly autoScalingGroupName: string;
  readonly targetGroupFullName: string;
  readonly loadBalancerFullName: string;
  readonly infoTopicArn: string;
  readonly warningTopicArn: string;
  readonly defaultPolicy: PolicySet;
  readonly dryRun: boolean;
}

/** The variables the construct sets. */
export const SCALING_ENVIRONMENT = [
  'STATE_TABLE',
  'AUTO_SCALING_GROUP',
  'TARGET_GROUP_FULL_NAME',
  'LOAD_BALANCER_FULL_NAME',
  'INFO_TOPIC_ARN',
  'WARNING_TOPIC_ARN',
  'DEFAULT_POLICY',
  'DRY_RUN',
] as const;

/**
 * Reads and validates the environment once, at cold start.
 * @throws {ConfigError} naming every missing or invalid variable (and, for `DEFAULT_POLICY`, field).
 */
export function readScalingSettings(env: NodeJS.ProcessEnv = process.env): ScalingFunctionSettings {
  const vars = readEnv(SCALING_ENVIRONMENT, env);
  const problems: string[] = [];
  if (vars.DRY_RUN !== 'true' && vars.DRY_RUN !== 'false') {
    problems.push(`DRY_RUN: must be "true" or "false", got ${JSON.stringify(vars.DRY_RUN)}`);
  }
  let defaultPolicy: PolicySet | undefined;
  try {
    defaultPolicy = parsePolicySet(JSON.parse(vars.DEFAULT_POLICY), 'DEFAULT_POLICY');
  } catch (error) {
    if (error instanceof PolicyError) problems.push(...error.problems.map((p) => `DEFAULT_POLICY: ${p}`));
    else problems.push(`DEFAULT_POLICY: must be a JSON policy document (${(error as Error).message})`);
  }
  if (problems.length > 0 || defaultPolicy === undefined) {
    throw new ConfigError('scaling function environment', problems);
  }
  return {
    stateTable: vars.STATE_TABLE,
    autoScalingGroupName: vars.AUTO_SCALING_GROUP,
    targetGroupFullName: vars.TARGET_GROUP_FULL_NAME,
    loadBalancerFullName: vars.LOAD_BALANCER_FULL_NAME,
    infoTopicArn: vars.INFO_TOPIC_ARN,
    warningTopicArn: vars.WARNING_TOPIC_ARN,
    defaultPolicy,
    dryRun: vars.DRY_RUN === 'true',
  };
}
