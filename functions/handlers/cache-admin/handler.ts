import type { CacheClient } from '@misybot-ha/cache';
import { createCache } from '@misybot-ha/cache';
import { cacheNamespaceSchema } from '../../core/admin/schemas/common';
import type { StructuredLog } from '../../core/log';
import * as z from '../../shared/config/zod';
import { InputError } from '../../shared/errors';

/** What the admin API sends: the one operation that needs Redis itself. */
export const cacheCommandSchema = z.strictObject({
  action: z.literal('invalidate'),
  namespace: cacheNamespaceSchema,
});

/** The worker's answer; `invalidated: false` means Redis could not be reached (nothing changed). */
export interface CacheCommandResult {
  readonly namespace: string;
  readonly invalidated: boolean;
}

/** The slice of the Powertools logger used here. */

export interface CacheAdminDeps {
  /** The connected Redis client; rejects when Redis cannot be reached. */
  readonly connect: () => Promise<CacheClient>;
  /** The key prefix the platform's services give the cache library. @default '' */
  readonly prefix: string;
  readonly log: Pick<StructuredLog, 'info' | 'warn'>;
}

/**
 * The cache worker: lives in the VPC beside Redis so the admin API does not have to. It bumps a
 * namespace's generation through the cache library itself (the same keys the services read),
 * which makes every old entry unreachable in O(1); the old entries expire by their TTL.
 * @throws {InputError} for anything but a valid command (only the admin API may invoke it).
 */
export function createCacheAdminHandler(deps: CacheAdminDeps) {
  return async (event: unknown): Promise<CacheCommandResult> => {
    const parsed = cacheCommandSchema.safeParse(event);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`);
      throw new InputError(`Invalid cache command: ${fields.join('; ')}`, { cause: parsed.error });
    }
    const { namespace } = parsed.data;
    let client: CacheClient;
    try {
      client = await deps.connect();
    } catch (error) {
      deps.log.warn('redis unreachable: namespace not invalidated', { namespace, error });
      return { namespace, invalidated: false };
    }
    const failures: unknown[] = [];
    const cache = createCache({
      client,
      prefix: deps.prefix,
      timeoutMs: 2000,
      onError: (e) => failures.push(e),
    });
    const invalidated = await cache.namespace(namespace).invalidate();
    (invalidated ? deps.log.info : deps.log.warn).call(deps.log, 'cache namespace invalidation', {
      namespace,
      invalidated,
      errors: failures.map((e) => (e instanceof Error ? e.message : String(e))),
    });
    return { namespace, invalidated };
  };
}
