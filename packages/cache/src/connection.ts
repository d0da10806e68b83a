/**
 * How to reach an ElastiCache (or any) Redis endpoint. Turn into client options with
 * {@link nodeRedisOptions} / {@link nodeRedisClusterOptions} (node-redis) or {@link ioredisOptions} /
 * {@link ioredisClusterOptions} (ioredis).
 *
 * @example
 * ```ts
 * const conn: RedisConnectionOptions = {
 *   host: 'master.misybot-cache.abc123.euw1.cache.amazonaws.com',
 *   port: 6380,
 *   tls: true, // in-transit encryption
 *   username: 'misybot-app', // RBAC user (Redis 6+), omit for an AUTH token alone
 *   password: process.env.REDIS_AUTH_TOKEN,
 * };
 * ```
 */
export interface RedisConnectionOptions {
  /** Primary (or configuration) endpoint host name. */
  readonly host: string;
  /** @default 6379 */
  readonly port?: number;
  /**
   * TLS for ElastiCache in-transit encryption. `true` verifies the server certificate against the
   * system CAs (Amazon's are public) and sends SNI for `host`. @default false
   */
  readonly tls?: boolean | { readonly ca?: string | Buffer; readonly servername?: string };
  /** RBAC user name (ElastiCache user groups). @default 'default' when a password is given */
  readonly username?: string;
  /** AUTH token or RBAC password. @default undefined (no AUTH) */
  readonly password?: string;
  /** @default 2000 */
  readonly connectTimeoutMs?: number;
  /** Longest pause between reconnection attempts (exponential back-off with jitter). @default 2000 */
  readonly maxReconnectDelayMs?: number;
  /** Shown in `CLIENT LIST`. @default undefined */
  readonly clientName?: string;
}

/** The TLS settings the builders pass on: SNI always, a CA bundle when given. */
export interface TlsConnectOptions {
  readonly servername: string;
  readonly ca?: string | Buffer;
}

interface NodeRedisTcpSocket {
  readonly host: string;
  readonly port: number;
  readonly connectTimeout: number;
  readonly reconnectStrategy: (retries: number) => number;
}

/**
 * The `socket` of {@link NodeRedisConnectOptions}. Declared here rather than imported from `redis`,
 * so the package's types stand without the optional peer installed; it is assignable to node-redis'
 * own socket options.
 */
export type NodeRedisSocketOptions =
  | (NodeRedisTcpSocket & { readonly tls?: false })
  | (NodeRedisTcpSocket & TlsConnectOptions & { readonly tls: true });

/** What {@link nodeRedisOptions} returns: pass it to node-redis' `createClient`. */
export interface NodeRedisConnectOptions {
  readonly socket: NodeRedisSocketOptions;
  readonly username?: string;
  readonly password?: string;
  readonly name?: string;
  readonly disableOfflineQueue: true;
}

/** What {@link nodeRedisClusterOptions} returns: pass it to node-redis' `createCluster`. */
export interface NodeRedisClusterConnectOptions {
  readonly rootNodes: { readonly socket: NodeRedisSocketOptions }[];
  readonly defaults: NodeRedisConnectOptions;
}

/** What {@link ioredisOptions} returns: pass it to `new Redis(...)` (ioredis). */
export interface IoredisConnectOptions {
  readonly host: string;
  readonly port: number;
  readonly tls?: TlsConnectOptions;
  readonly username?: string;
  readonly password?: string;
  readonly connectionName?: string;
  readonly connectTimeout: number;
  readonly retryStrategy: (times: number) => number;
  readonly maxRetriesPerRequest: number;
  readonly enableOfflineQueue: false;
}

/** What {@link ioredisClusterOptions} returns: pass it to `new Cluster(nodes, ...)` (ioredis). */
export interface IoredisClusterConnectOptions {
  readonly redisOptions: Omit<IoredisConnectOptions, 'host' | 'port' | 'retryStrategy'>;
  readonly clusterRetryStrategy: (times: number) => number;
  readonly dnsLookup: (address: string, callback: (error: null, address: string) => void) => void;
  readonly enableOfflineQueue: false;
}

const DEFAULT_PORT = 6379;
const DEFAULT_CONNECT_TIMEOUT_MS = 2000;
const DEFAULT_MAX_RECONNECT_DELAY_MS = 2000;

/** Exponential back-off with full jitter, capped: attempt 0 waits up to 50 ms. */
export function reconnectDelay(attempt: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, 50 * 2 ** Math.min(attempt, 16));
  return Math.max(10, Math.round(ceiling * random()));
}

function tlsOptions(conn: RedisConnectionOptions): TlsConnectOptions | undefined {
  if (!conn.tls) return undefined;
  const extra = conn.tls === true ? {} : conn.tls;
  return { servername: extra.servername ?? conn.host, ...(extra.ca ? { ca: extra.ca } : {}) };
}

/**
 * Options for node-redis `createClient`: TLS with SNI, AUTH/RBAC, connect timeout, bounded
 * reconnection, and the offline queue disabled so commands fail fast (the cache turns that into a
 * miss) instead of piling up while Redis is away.
 *
 * @example
 * ```ts
 * const redis = createClient(nodeRedisOptions({ host, tls: true, password }));
 * redis.on('error', (err) => logger.warn('redis', err));
 * await redis.connect();
 * ```
 */
export function nodeRedisOptions(conn: RedisConnectionOptions): NodeRedisConnectOptions {
  const maxDelay = conn.maxReconnectDelayMs ?? DEFAULT_MAX_RECONNECT_DELAY_MS;
  const tls = tlsOptions(conn);
  const common = {
    host: conn.host,
    port: conn.port ?? DEFAULT_PORT,
    connectTimeout: conn.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    reconnectStrategy: (retries: number) => reconnectDelay(retries, maxDelay),
  };
  return {
    socket: tls ? { ...common, tls: true as const, ...tls } : common,
    ...(conn.password !== undefined ? { username: conn.username ?? 'default', password: conn.password } : {}),
    ...(conn.clientName ? { name: conn.clientName } : {}),
    disableOfflineQueue: true,
  };
}

/** Options for node-redis `createCluster` (ElastiCache cluster mode enabled, configuration endpoint). */
export function nodeRedisClusterOptions(conn: RedisConnectionOptions): NodeRedisClusterConnectOptions {
  const { socket, ...defaults } = nodeRedisOptions(conn);
  return { rootNodes: [{ socket }], defaults: { ...defaults, socket } };
}

/**
 * Options for `new Redis(...)` (ioredis): TLS with SNI, AUTH/RBAC, connect timeout, bounded
 * reconnection, one attempt per command and no offline queue, so commands fail fast while Redis is away.
 *
 * @example
 * ```ts
 * const redis = new Redis(ioredisOptions({ host, tls: true, password }));
 * ```
 */
export function ioredisOptions(conn: RedisConnectionOptions): IoredisConnectOptions {
  const maxDelay = conn.maxReconnectDelayMs ?? DEFAULT_MAX_RECONNECT_DELAY_MS;
  const tls = tlsOptions(conn);
  return {
    host: conn.host,
    port: conn.port ?? DEFAULT_PORT,
    ...(tls ? { tls } : {}),
    ...(conn.password !== undefined ? { username: conn.username ?? 'default', password: conn.password } : {}),
    ...(conn.clientName ? { connectionName: conn.clientName } : {}),
    connectTimeout: conn.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    retryStrategy: (times: number) => reconnectDelay(times, maxDelay),
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
  };
}

/**
 * Options for `new Cluster([{ host, port }], ...)` (ioredis). Keeps the configuration endpoint's host
 * name for TLS (`dnsLookup` pass-through), as ElastiCache requires.
 */
export function ioredisClusterOptions(conn: RedisConnectionOptions): IoredisClusterConnectOptions {
  const { host: _host, port: _port, retryStrategy, ...redisOptions } = ioredisOptions(conn);
  return {
    redisOptions,
    clusterRetryStrategy: retryStrategy,
    dnsLookup: (address, callback) => callback(null, address),
    enableOfflineQueue: false,
  };
}
