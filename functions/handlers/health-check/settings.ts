import type { Severity } from '../../core/alerting/notification';
import { type HealthCheckConfig, parseHealthCheckConfig } from '../../core/health/health-config';
import * as z from '../../shared/config/zod';
import { readEnv } from '../../shared/env';
import { ConfigError } from '../../shared/errors';

/** What the health-check function is deployed with. */
export interface HealthSettings {
  readonly tableName: string;
  readonly topicArns: Readonly<Record<Severity, string>>;
  readonly config: HealthCheckConfig;
  readonly rounds: number;
  readonly intervalMs: number;
  /**
   * The schedule's period (`SCHEDULE_PERIOD_MS`): the invocation scheduled at `S` checks
   * `[S + period, S + period + rounds × interval)`. @default rounds × intervalMs
   */
  readonly periodMs: number;
  /** Labels on every alert (`ALERT_LABELS`, optional). */
  readonly labels: Readonly<Record<string, string>>;
}

const REQUIRED = [
  'STATE_TABLE',
  'CRITICAL_TOPIC_ARN',
  'WARNING_TOPIC_ARN',
  'INFO_TOPIC_ARN',
  'HEALTH_CHECKS',
  'ROUNDS',
  'ROUND_INTERVAL_MS',
] as const;

const labelsSchema = z.record(
  z.string().check(z.regex(/^[a-z][a-z0-9_-]{0,39}$/, 'must be a label name')),
  z.string(),
);

/**
 * Reads and validates the environment. A bad value is a deployment defect, so it fails the cold
 * start naming the variable (and, for `HEALTH_CHECKS`, the field).
 * @throws {ConfigError}
 */
export function readHealthSettings(env: NodeJS.ProcessEnv): HealthSettings {
  const vars = readEnv(REQUIRED, env);
  const config = parseHealthCheckConfig(json('HEALTH_CHECKS', vars.HEALTH_CHECKS), 'HEALTH_CHECKS');
  const rounds = integer('ROUNDS', vars.ROUNDS, 1, 12);
  const intervalMs = integer('ROUND_INTERVAL_MS', vars.ROUND_INTERVAL_MS, 1000, 60_000);
  const longest = Math.max(...config.checks.map((check) => check.timeoutMs));
  if (rounds > 1 && intervalMs < longest) {
    throw new ConfigError('Lambda environment', [
      `ROUND_INTERVAL_MS: must be at least the longest check timeout (${longest} ms) when ROUNDS > 1, got ${intervalMs}`,
    ]);
  }
  const periodMs = env.SCHEDULE_PERIOD_MS
    ? integer('SCHEDULE_PERIOD_MS', env.SCHEDULE_PERIOD_MS, 1000, 86_400_000)
    : rounds * intervalMs;
  let labels: Record<string, string> = {};
  if (env.ALERT_LABELS) {
    const parsed = labelsSchema.safeParse(json('ALERT_LABELS', env.ALERT_LABELS));
    if (!parsed.success) {
      throw new ConfigError('Lambda environment', [
        `ALERT_LABELS: must be an object of label names to strings (${parsed.error.issues[0]?.message})`,
      ]);
    }
    labels = parsed.data;
  }
  return {
    tableName: vars.STATE_TABLE,
    topicArns: {
      critical: vars.CRITICAL_TOPIC_ARN,
      warning: vars.WARNING_TOPIC_ARN,
      info: vars.INFO_TOPIC_ARN,
    },
    config,
    rounds,
    intervalMs,
    periodMs,
    labels,
  };
}

function json(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError('Lambda environment', [`${name}: must be JSON (${(error as Error).message})`], {
      cause: error,
    });
  }
}

function integer(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError('Lambda environment', [
      `${name}: must be an integer from ${min} to ${max}, got "${text}"`,
    ]);
  }
  return value;
}
