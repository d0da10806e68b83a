import { createServer } from 'node:http';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Signer } from '@aws-sdk/rds-signer';
import { createCache, fromNodeRedis, nodeRedisOptions } from '@misybot-ha/cache';
import { createEndpointMetrics } from '@misybot-ha/metrics';
import { Pool } from 'pg';
import { createClient } from 'redis';
import { createChatApp } from './app';
import { type ChatDemoConfig, readChatDemoConfig } from './config';
import { monitorDependencies } from './dependency-monitor';
import { MessageStore } from './store';

function log(level: 'info' | 'error', message: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ level, message, ...extra, time: new Date().toISOString() })}\n`);
}

async function redisPassword(config: ChatDemoConfig): Promise<string | undefined> {
  if (!config.REDIS_AUTH_SECRET_ARN) return undefined;
  const secrets = new SecretsManagerClient({ region: config.AWS_REGION });
  const secret = await secrets.send(new GetSecretValueCommand({ SecretId: config.REDIS_AUTH_SECRET_ARN }));
  return secret.SecretString;
}

function databasePool(config: ChatDemoConfig): Pool {
  const signer = config.DB_IAM_AUTH
    ? new Signer({
        hostname: config.DB_HOST,
        port: config.DB_PORT,
        username: config.DB_USER,
        region: config.AWS_REGION,
      })
    : undefined;
  return new Pool({
    host: config.DB_HOST,
    port: config.DB_PORT,
    database: config.DB_NAME,
    user: config.DB_USER,
    // A fresh 15-minute IAM token per connection, signed locally with the instance role.
    ...(signer ? { password: () => signer.getAuthToken(), ssl: { rejectUnauthorized: true } } : {}),
    max: 10,
    connectionTimeoutMillis: 3000,
    statement_timeout: 5000,
    application_name: 'misybot-chat-demo',
  });
}

/** Starts the service; resolves once it listens. SIGTERM drains it: health turns 503, then it closes. */
export async function start(env: NodeJS.ProcessEnv = process.env) {
  const config = readChatDemoConfig(env);
  const redis = createClient(
    nodeRedisOptions({
      host: config.REDIS_HOST,
      port: config.REDIS_PORT,
      tls: config.REDIS_TLS,
      password: await redisPassword(config),
      clientName: 'misybot-chat-demo',
    }),
  );
  redis.on('error', () => undefined);
  // A Redis that is down at start is a degraded service, not a failed one: the client keeps trying.
  redis
    .connect()
    .catch((error: Error) => log('error', 'redis unavailable at start', { error: error.message }));
  const pool = databasePool(config);
  pool.on('error', (error) => log('error', 'database connection lost', { error: error.message }));
  const store = new MessageStore(pool);
  await store.ensureSchema();
  const cache = createCache({
    client: fromNodeRedis(redis),
    prefix: 'chat-demo:',
    defaults: { ttlMs: 60_000 },
    onError: (error) => log('error', 'cache', { name: error.name }),
  });
  const metrics = createEndpointMetrics({ service: config.METRICS_SERVICE });
  let stopping = false;
  const dependencies = monitorDependencies(
    { cache: () => redis.ping(), database: () => pool.query('SELECT 1') },
    { intervalMs: config.HEALTH_PROBE_INTERVAL_MS },
  );
  await dependencies.ready;
  const server = createServer(
    createChatApp({
      store,
      conversations: cache.namespace('conversations'),
      dependencies: dependencies.states,
      metrics,
      stopping: () => stopping,
      replyWork: { contextMessages: config.REPLY_CONTEXT_MESSAGES, cpuMs: config.REPLY_CPU_MS },
    }),
  );
  await new Promise<void>((resolve) => server.listen(config.PORT, resolve));
  log('info', 'chat-demo listening', { port: config.PORT });
  const stop = async () => {
    stopping = true;
    dependencies.stop();
    server.close();
    metrics.close();
    await Promise.allSettled([pool.end(), redis.quit()]);
  };
  process.once('SIGTERM', () => {
    void stop().then(() => process.exit(0));
  });
  return { server, stop };
}

if (require.main === module) {
  start().catch((error: Error) => {
    log('error', 'chat-demo failed to start', { error: error.message });
    process.exit(1);
  });
}
