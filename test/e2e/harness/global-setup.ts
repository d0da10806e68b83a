import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { type MotoServer, startMotoServer } from '../../../local/account/moto-server';
import { synthesizedAssembly } from '../../../local/assembly/synth';
import {
  type PostgresServer,
  type RedisServer,
  startPostgres,
  startRedis,
} from '../../../local/process/services';
import { node24Binary } from '../../../local/runtime/node24';
import { E2E_ENV, E2E_VARIANTS } from './env';

const KEY = Symbol.for('misybot.e2e.sharedServices');
interface Services {
  redis: RedisServer;
  postgres: PostgresServer;
  moto: MotoServer;
}
type Holder = { [KEY]?: Services };

/** Removes and returns the servers started here, so teardown stops them once. */
export function takeE2eServices(): Services | undefined {
  const holder = globalThis as Holder;
  const services = holder[KEY];
  delete holder[KEY];
  return services;
}

/**
 * Jest globalSetup for the e2e project: checks the Node 24 binary is there, starts the moto
 * server every scenario deploys into (each in an account of its own; a missing moto names its
 * install command), synthesizes the platform from the current sources (or reuses the cached
 * assembly of the same sources), and starts the PostgreSQL 15 and Redis 7 servers of the
 * integration harness for the emulated RDS Proxy and ElastiCache endpoints.
 */
export default async function globalSetup(): Promise<void> {
  node24Binary();
  const projectRoot = resolve(__dirname, '..', '..', '..');
  const password = randomBytes(24).toString('hex');
  const [moto, assembly, redis, postgres] = await Promise.allSettled([
    startMotoServer(),
    synthesizedAssembly({ projectRoot, variants: E2E_VARIANTS }),
    startRedis({ password }),
    startPostgres(),
  ]);
  const started = [moto, redis, postgres].flatMap((result) =>
    result.status === 'fulfilled' ? [result.value] : [],
  );
  const failures = [moto, assembly, redis, postgres].flatMap((result) =>
    result.status === 'rejected' ? [result.reason] : [],
  );
  if (failures.length > 0) {
    await Promise.allSettled(started.map((server) => server.stop()));
    throw new AggregateError(failures, `e2e set-up failed:\n${failures.join('\n')}`);
  }
  const [m, r, p] = started as [MotoServer, RedisServer, PostgresServer];
  (globalThis as Holder)[KEY] = { moto: m, redis: r, postgres: p };
  process.env[E2E_ENV.emulator] = m.url;
  process.env[E2E_ENV.assembly] = (assembly as PromiseFulfilledResult<string>).value;
  process.env[E2E_ENV.postgres] = JSON.stringify({ host: p.host, port: p.port });
  process.env[E2E_ENV.redis] = JSON.stringify({ host: r.host, port: r.port, password });
}
