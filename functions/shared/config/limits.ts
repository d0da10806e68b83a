import { z } from 'zod';

/**
 * Limits that AWS (or CDK) enforces and that both the configuration schema and the CDK constructs
 * check. Each is defined once, here, so `config validate` accepts exactly what synth accepts.
 * This module stays free of aws-cdk-lib: the Lambdas and the CLI load the schema too.
 */

/**
 * The retention periods CloudWatch Logs accepts, in days, without "never expire" (every log group
 * of the platform states how long it lives). test/functions/shared/config/limits.test.ts keeps it
 * equal to aws-cdk-lib's `RetentionDays`.
 */
export const LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** True when CloudWatch Logs accepts `days` as a retention period. */
export function isLogRetentionDays(days: number): boolean {
  return LOG_RETENTION_DAYS.includes(days);
}

/** A log retention period in days, one of {@link LOG_RETENTION_DAYS}. */
export const logRetentionDays = z
  .number()
  .int()
  .refine(
    isLogRetentionDays,
    `must be a CloudWatch Logs retention period (${LOG_RETENTION_DAYS.join(', ')})`,
  );

/**
 * An EC2 instance type as aws-cdk-lib's `InstanceType` parses it to find the architecture:
 * family letters, a generation of one or two digits, capability letters, then the size.
 */
export const INSTANCE_TYPE_PATTERN = /^([a-z]+)(\d{1,2})([a-z-]*)\.([a-z0-9-]+)$/;

/** The CPU architecture of an instance type: Graviton (`a1`, or a `g` capability such as t4g, c7gn) is arm64. */
export function instanceArchitecture(instanceType: string): 'arm64' | 'x86_64' {
  const match = INSTANCE_TYPE_PATTERN.exec(instanceType);
  if (!match) throw new RangeError(`"${instanceType}" is not an EC2 instance type such as "t4g.small".`);
  return match[1] === 'a' || match[3]!.includes('g') ? 'arm64' : 'x86_64';
}

/** GiB of memory per size step for the instance families Aurora PostgreSQL offers. */
const AURORA_MEMORY_GIB: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  r: { large: 16, xlarge: 32 },
  x2: { large: 32, xlarge: 64 },
  t: { medium: 4, large: 8 },
};

const AURORA_CLASS = /^(?:db\.)?(r\d+[a-z]*|x2[a-z]*|t\d+[a-z]*)\.(\d*)(medium|large|xlarge)$/;

/**
 * The default `max_connections` of an Aurora PostgreSQL instance class, from AWS's formula
 * `LEAST({DBInstanceClassMemory/9531392}, 5000)` with memory taken as GiB × 10⁹ bytes as AWS's
 * own worked example does (a few percent under the real figure, so a %-of-max alarm fires a
 * little early rather than late). `undefined` for a class whose memory is not known here.
 */
export function auroraDefaultMaxConnections(instanceClass: string): number | undefined {
  const match = AURORA_CLASS.exec(instanceClass);
  const family = match?.[1]?.startsWith('x2') ? 'x2' : match?.[1]?.[0];
  const base = family ? AURORA_MEMORY_GIB[family]?.[match![3]!] : undefined;
  if (!match || base === undefined || (match[2] !== '' && match[3] !== 'xlarge')) return undefined;
  const memoryGiB = base * (match[2] === '' ? 1 : Number(match[2]));
  return Math.min(Math.floor((memoryGiB * 1e9) / 9531392), 5000);
}

/** EventBridge schedule expressions: `rate(N unit)` or `cron(...)`. */
export const SCHEDULE_EXPRESSION = /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\([^)]+\))$/;

/** The schedule's period in milliseconds for a `rate(...)` expression; `undefined` for `cron(...)`. */
export function ratePeriodMs(expression: string): number | undefined {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!rate) return undefined;
  const unit = rate[2]!.startsWith('minute') ? 60_000 : rate[2]!.startsWith('hour') ? 3_600_000 : 86_400_000;
  return Number(rate[1]) * unit;
}
