import { POSTGRES_URL_ENV, REDIS_URL_ENV } from './env';
import { takeSharedServices } from './global-setup';

/**
 * Jest globalTeardown for the integration project: stops the shared servers and deletes their data.
 * Both are stopped even if one fails to, and the failure is reported rather than swallowed so a leaked
 * process is noticed in CI.
 */
export default async function globalTeardown(): Promise<void> {
  const services = takeSharedServices();
  delete process.env[REDIS_URL_ENV];
  delete process.env[POSTGRES_URL_ENV];
  if (!services) return;
  const results = await Promise.allSettled([services.redis.stop(), services.postgres.stop()]);
  const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
  if (failures.length > 0) {
    throw new AggregateError(failures, `integration services failed to stop:\n${failures.join('\n')}`);
  }
}
