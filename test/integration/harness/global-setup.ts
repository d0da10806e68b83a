import {
  type PostgresServer,
  type RedisServer,
  startPostgres,
  startRedis,
} from '../../../local/process/services';
import { POSTGRES_URL_ENV, REDIS_URL_ENV } from './env';

/** The servers shared by all integration test files, kept where global-teardown.ts can find them. */
export interface SharedServices {
  redis: RedisServer;
  postgres: PostgresServer;
}

// globalSetup and globalTeardown run in the same (parent) jest process, so globalThis carries the
// handles between them; workers only ever see the URLs, through the environment they inherit.
const KEY = Symbol.for('misybot.integration.sharedServices');
type Holder = { [KEY]?: SharedServices };

/** Removes and returns the shared services, so a second teardown cannot stop them twice. */
export function takeSharedServices(): SharedServices | undefined {
  const holder = globalThis as Holder;
  const services = holder[KEY];
  delete holder[KEY];
  return services;
}

/**
 * Jest globalSetup for the integration project: one Redis 7 and one PostgreSQL 15 for the whole run.
 * If either fails to start, the other is stopped before the error surfaces.
 */
export default async function globalSetup(): Promise<void> {
  const [redis, postgres] = await Promise.allSettled([startRedis(), startPostgres()]);
  if (redis.status === 'rejected' || postgres.status === 'rejected') {
    await Promise.allSettled([
      redis.status === 'fulfilled' ? redis.value.stop() : undefined,
      postgres.status === 'fulfilled' ? postgres.value.stop() : undefined,
    ]);
    const reasons = [redis, postgres].flatMap((result) =>
      result.status === 'rejected' ? [result.reason] : [],
    );
    throw new AggregateError(reasons, `integration services failed to start:\n${reasons.join('\n')}`);
  }
  (globalThis as Holder)[KEY] = { redis: redis.value, postgres: postgres.value };
  process.env[REDIS_URL_ENV] = redis.value.url;
  process.env[POSTGRES_URL_ENV] = postgres.value.url;
}
