import { randomBytes } from 'node:crypto';

/** Set by the integration project's globalSetup; jest workers inherit it. */
export const REDIS_URL_ENV = 'MISYBOT_TEST_REDIS_URL';
/** Set by the integration project's globalSetup; jest workers inherit it. */
export const POSTGRES_URL_ENV = 'MISYBOT_TEST_POSTGRES_URL';

function required(name: string, service: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(
      `${name} is not set: the shared ${service} is started by test/integration/harness/global-setup.ts, ` +
        'so run through the jest integration project (npx jest --selectProjects integration).',
    );
  }
  return value;
}

/**
 * The URL of the Redis server shared by every integration test (`redis://127.0.0.1:port`).
 * Tests that stop or reconfigure Redis must start their own with `startRedis()` instead.
 * @throws when not running under the jest integration project.
 */
export function sharedRedisUrl(): string {
  return required(REDIS_URL_ENV, 'Redis');
}

/**
 * The URL of the `misybot_test` database on the PostgreSQL server shared by every integration test.
 * @throws when not running under the jest integration project.
 */
export function sharedPostgresUrl(): string {
  return required(POSTGRES_URL_ENV, 'PostgreSQL');
}

/**
 * A name no other test file will pick (test files run in parallel against the shared servers):
 * lowercase, so it is usable unquoted as a SQL identifier and as a Redis key prefix.
 */
export function uniqueTestName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`.toLowerCase();
}
