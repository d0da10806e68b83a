import { LocalPlatform, type LocalPlatformOptions } from '../../../local/platform/local-platform';
import { e2eEnvironment } from '../harness/env';

/**
 * A fresh platform for one scenario: the assembly globalSetup synthesized, deployed into its own
 * emulated account, with the shared PostgreSQL and Redis behind the emulated RDS Proxy and
 * ElastiCache endpoints. Stop it in afterAll.
 */
export function startPlatform(
  options: Partial<Omit<LocalPlatformOptions, 'assemblyDir'>> = {},
): Promise<LocalPlatform> {
  const { assemblyDir, emulatorUrl, postgres, redis } = e2eEnvironment();
  return LocalPlatform.start({
    assemblyDir,
    emulatorUrl,
    backends: {
      postgres,
      redis: { host: redis.host, port: redis.port },
      redisPassword: redis.password,
    },
    ...options,
  });
}

/** Minutes of virtual time, in ms. */
export const minutes = (count: number): number => count * 60_000;

/**
 * Runs the platform for `ms` with the health-check schedule disabled (`DisableRule`), for the
 * stretches in which a scenario only waits out a guard (a minimum interval, a hold-down) with
 * everything healthy: the health rounds would record nothing new and cost most of the run.
 */
export async function waitOutGuard(platform: LocalPlatform, ms: number): Promise<void> {
  const health = platform.model.fn('health-check').arn;
  const rules = platform.model.rules.filter((rule) => rule.targets.some((target) => target.arn === health));
  for (const rule of rules) platform.bus.setEnabled(rule.name, false);
  try {
    await platform.runFor(ms);
  } finally {
    for (const rule of rules) platform.bus.setEnabled(rule.name, true);
  }
}
