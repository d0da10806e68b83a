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
