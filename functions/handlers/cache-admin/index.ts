import { powertoolsHandler } from '../../shared/lambda';
import { logger } from '../../shared/powertools';
import { redisConnector } from './dependencies';
import { createCacheAdminHandler } from './handler';

// Module scope: a missing variable fails the cold start; the Redis connection is reused.
const connect = redisConnector(process.env);

/** The cache worker the admin API invokes for namespace invalidation. */
export const handler = powertoolsHandler(
  createCacheAdminHandler({ connect, prefix: process.env.CACHE_KEY_PREFIX ?? '', log: logger }),
);
