import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CacheClient } from '@misybot-ha/cache';
import { fromNodeRedis, nodeRedisOptions } from '@misybot-ha/cache';
import { readEnv } from '../../shared/env';

/** The variables the AdminApi construct sets on the cache worker. */
export const CACHE_WORKER_ENV = ['REDIS_HOST', 'REDIS_PORT', 'REDIS_AUTH_SECRET_ARN'] as const;

/**
 * A lazily connected node-redis client over TLS with the AUTH token from Secrets Manager, kept
 * for the container's life. A failed connection is forgotten so the next invocation tries again.
 * The client is `@redis/client` alone (no search, JSON, time-series or bloom modules), loaded
 * with the connection: the module's ~400 KB initialise when the worker first needs Redis, not
 * in every cold start of a function that is mostly invoked once.
 */
export function redisConnector(env: NodeJS.ProcessEnv): () => Promise<CacheClient> {
  const vars = readEnv(CACHE_WORKER_ENV, env);
  const secrets = new SecretsManagerClient({});
  let connecting: Promise<CacheClient> | undefined;
  return () => {
    connecting ??= (async () => {
      const secret = await secrets.send(new GetSecretValueCommand({ SecretId: vars.REDIS_AUTH_SECRET_ARN }));
      // A synchronous require: the deployed bundle leaves it out, in its own file (lib/'s LOADED_ON_FIRST_USE).
      const { createClient } = require('@redis/client') as typeof import('@redis/client');
      const redis = createClient(
        nodeRedisOptions({
          host: vars.REDIS_HOST,
          port: Number(vars.REDIS_PORT),
          tls: true,
          password: secret.SecretString,
          clientName: 'misybot-ha-cache-worker',
        }),
      );
      // Errors surface as failed commands (fail-open); the listener keeps them from crashing the process.
      redis.on('error', () => undefined);
      await redis.connect();
      return fromNodeRedis(redis);
    })().catch((error: unknown) => {
      connecting = undefined;
      throw error;
    });
    return connecting;
  };
}
