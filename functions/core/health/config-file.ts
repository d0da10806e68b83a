import type { HealthCheck } from './check-schema';
import type { HealthCheckConfig, HealthCheckConfigInput } from './health-config';

type Shared = 'timeoutMs' | 'failureThreshold' | 'successThreshold';
const SHARED: readonly Shared[] = ['timeoutMs', 'failureThreshold', 'successThreshold'];

/**
 * A resolved config written back as a file: each check's timeout and thresholds that most checks
 * share move to `defaults`, and only the checks that differ keep their own. It parses back
 * (`parseHealthCheckConfig`) to the same config, and is what fits the health function's 4 KB of
 * environment: the same three numbers on every check are a sixth of the platform's checks.
 */
export function toHealthCheckFile(config: HealthCheckConfig): HealthCheckConfigInput {
  const defaults = Object.fromEntries(
    SHARED.map((field) => [field, mostCommon(config.checks.map((check) => check[field]))]),
  ) as Record<Shared, number>;
  const checks = config.checks.map((check) => {
    const own: Record<string, unknown> = { ...check };
    for (const field of SHARED) if (check[field] === defaults[field]) delete own[field];
    return own as HealthCheckConfigInput['checks'][number];
  });
  return {
    defaults,
    flapping: config.flapping,
    alerting: config.alerting,
    components: config.components.map((component) => ({ ...component })),
    checks,
  };
}

function mostCommon(values: readonly HealthCheck[Shared][]): number {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best: [number, number] = [0, -1];
  for (const entry of counts) if (entry[1] > best[1]) best = entry;
  return best[0];
}
