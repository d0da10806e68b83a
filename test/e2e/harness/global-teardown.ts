import { E2E_ENV } from './env';
import { takeE2eServices } from './global-setup';

/** Jest globalTeardown for the e2e project: stops the servers globalSetup started. */
export default async function globalTeardown(): Promise<void> {
  const services = takeE2eServices();
  for (const name of Object.values(E2E_ENV)) delete process.env[name];
  if (!services) return;
  const results = await Promise.allSettled([
    services.moto.stop(),
    services.redis.stop(),
    services.postgres.stop(),
  ]);
  const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
  if (failures.length > 0)
    throw new AggregateError(failures, `e2e servers failed to stop:\n${failures.join('\n')}`);
}
