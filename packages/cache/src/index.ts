/**
 * `@misybot-ha/cache`: a fail-open Redis cache for the MisyBot services.
 *
 * - works with node-redis ({@link fromNodeRedis}) and ioredis ({@link fromIoredis}) through a
 *   six-command port ({@link CacheClient}); ElastiCache TLS/AUTH options builders;
 * - namespaces with O(1) invalidation (generation counter) and SCAN + UNLINK clear, keys hash-tagged
 *   `{namespace}` for cluster mode;
 * - JSON or MessagePack (or your own serialiser), compression above a threshold, a versioned envelope;
 * - TTL jitter, single-flight and a cross-instance lock, stale-while-revalidate, grace on loader errors;
 * - per-call timeout and circuit breaker: Redis trouble is a miss, never an exception;
 * - per-namespace stats, exportable as CloudWatch EMF.
 *
 * See the package README for the guide, the envelope format and eviction-policy advice.
 * @packageDocumentation
 */

export { type BreakerState, CircuitBreaker, type CircuitBreakerOptions } from './breaker';
export { type Cache, type CacheOptions, createCache } from './cache';
export { type CodecName, isCodecAvailable } from './compression';
export {
  ioredisClusterOptions,
  ioredisOptions,
  nodeRedisClusterOptions,
  nodeRedisOptions,
  type RedisConnectionOptions,
} from './connection';
export {
  decodeEnvelope,
  ENVELOPE_HEADER_BYTES,
  ENVELOPE_VERSION,
  type Envelope,
  EnvelopeFormatError,
  encodeEnvelope,
  type UnknownEnvelopeVersion,
} from './envelope';
export {
  CacheCommandError,
  CacheConfigError,
  CacheDecodeError,
  CacheEncodeError,
  CacheError,
  type CacheOperation,
  CacheRefreshError,
  CacheTimeoutError,
  CacheUnavailableError,
} from './errors';
export { fromIoredis, type IoredisLike } from './ioredis';
export { RELEASE_LOCK_SCRIPT, RedisLock } from './lock';
export { type CacheEntry, CacheNamespace, type WriteOptions } from './namespace';
export { fromNodeRedis, type NodeRedisLike } from './node-redis';
export type { CompressionOptions, LockOptions, NamespaceOptions } from './options';
export type { CacheClient, CacheSetOptions } from './port';
export { jsonSerializer, msgpackSerializer, type Serializer } from './serializers';
export { SingleFlight } from './single-flight';
export { type CacheEmfOptions, type CacheStatsSnapshot, cacheStatsToEmf } from './stats';
