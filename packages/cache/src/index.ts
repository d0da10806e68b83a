/**
 * `@misybot-ha/cache`: a fail-open Redis cache for the MisyBot services.
 *
 * - node-redis ({@link fromNodeRedis}) and ioredis ({@link fromIoredis}) through a narrow port
 *   ({@link CacheClient}); ElastiCache TLS/AUTH option builders; {@link MemoryRedis} for unit tests;
 * - an optional in-process L1 tier per namespace, kept coherent across instances by a Redis pub/sub
 *   bus ({@link nodeRedisBus}, {@link ioredisBus});
 * - namespaces with O(1) invalidation (generation counter), tags, SCAN + UNLINK clear; keys
 *   hash-tagged `{namespace}` for cluster mode; writes and deletes land in the current generation;
 * - get/getMany/has/set/setMany/delete/deleteMany; getOrSet with single-flight, a cross-instance
 *   lock, stale-while-revalidate, grace, refresh-ahead, soft/hard loader timeouts with an
 *   `AbortSignal`, loader-chosen TTL and negative caching;
 * - strict JSON or MessagePack (or your own serialiser), compression above a threshold, a versioned
 *   envelope; typed errors for bad keys, TTLs and values;
 * - per-call timeout and circuit breaker: Redis trouble is a miss, never an exception;
 * - lifecycle events and per-namespace stats, exportable as CloudWatch EMF.
 *
 * See the package README for the guide, the envelope format and eviction-policy advice.
 * @packageDocumentation
 */

export { type BreakerState, CircuitBreaker, type CircuitBreakerOptions } from './breaker';
export { type Cache, type CacheOptions, createCache } from './cache';
export { type CodecName, isCodecAvailable } from './compression';
export {
  type IoredisClusterConnectOptions,
  type IoredisConnectOptions,
  ioredisClusterOptions,
  ioredisOptions,
  type NodeRedisClusterConnectOptions,
  type NodeRedisConnectOptions,
  type NodeRedisSocketOptions,
  nodeRedisClusterOptions,
  nodeRedisOptions,
  type RedisConnectionOptions,
  type TlsConnectOptions,
} from './connection';
export {
  decodeEnvelope,
  ENVELOPE_HEADER_BYTES,
  ENVELOPE_VERSION,
  ENVELOPE_VERSION_EXTENDED,
  type Envelope,
  EnvelopeFormatError,
  type EnvelopeInput,
  encodeEnvelope,
  type TagVersion,
  type UnknownEnvelopeVersion,
} from './envelope';
export {
  CacheBusError,
  CacheCommandError,
  CacheConfigError,
  CacheDecodeError,
  CacheEncodeError,
  CacheError,
  CacheInputError,
  CacheLoaderTimeoutError,
  type CacheOperation,
  CacheRefreshError,
  CacheTimeoutError,
  CacheUnavailableError,
  CacheValueError,
  type ErrorCauseOptions,
} from './errors';
export type { CacheEventMap, CacheEventName, CacheTier } from './events';
export { DEFAULT_MAX_KEY_LENGTH, MAX_TAG_LENGTH, MAX_TAGS_PER_ENTRY } from './input';
export { fromIoredis, type IoredisBusLike, type IoredisLike, ioredisBus } from './ioredis';
export type { Loader, LoaderContext } from './loader';
export { RedisLock } from './lock';
export { MemoryRedis, type MemoryRedisMode, type MemoryRedisOptions } from './memory';
export {
  type CacheEntry,
  CacheNamespace,
  type GetOrSetOptions,
  type SetManyEntry,
  type WriteOptions,
} from './namespace';
export { fromNodeRedis, type NodeRedisBusLike, type NodeRedisLike, nodeRedisBus } from './node-redis';
export type { CompressionOptions, L1Options, LoaderTimeouts, LockOptions, NamespaceOptions } from './options';
export type { BusHandlers, BusSubscription, CacheBus, CacheClient, CacheSetOptions } from './port';
export { type CacheScript, RELEASE_LOCK_SCRIPT } from './scripts';
export { jsonSerializer, msgpackSerializer, type Serializer } from './serializers';
export { SingleFlight } from './single-flight';
export { type CacheEmfOptions, type CacheStatsSnapshot, cacheStatsToEmf } from './stats';
