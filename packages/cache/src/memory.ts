import type { BusHandlers, BusSubscription, CacheBus, CacheClient, CacheSetOptions } from './port';
import type { CacheScript, ScriptHost } from './scripts';

/** How {@link MemoryRedis} answers: normally, by rejecting every command, or by never answering. */
export type MemoryRedisMode = 'ok' | 'reject' | 'hang';

/** Options of {@link MemoryRedis}. */
export interface MemoryRedisOptions {
  /** Clock for PX expiry, epoch ms; pass the cache's `now` to move both together. @default Date.now */
  readonly now?: () => number;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

interface Stored {
  value: Buffer;
  expiresAt: number | undefined;
}

/**
 * An in-process Redis for unit tests of code that uses the cache: both ports ({@link CacheClient}
 * and {@link CacheBus}) with PX expiry on an injectable clock, NX, the cache's scripts, SCAN with
 * MATCH and pub/sub. Several caches sharing one `MemoryRedis` behave like instances sharing a Redis,
 * L1 invalidation included. `mode` simulates an outage; {@link setBusConnected} a lost subscription.
 *
 * @example
 * ```ts
 * const redis = new MemoryRedis();
 * const cache = createCache({ client: redis, bus: redis, defaults: { l1: true } });
 * ```
 */
export class MemoryRedis implements CacheClient, CacheBus {
  /** Every live and expired-but-not-yet-read key, for assertions. */
  readonly data: Map<string, Stored> = new Map();
  /** Commands received, by name (`mget`, `set`, `script:write`, `publish`...). */
  readonly calls: Record<string, number> = {};
  /** `reject` fails every command, `hang` never answers one. @default 'ok' */
  mode: MemoryRedisMode = 'ok';
  private readonly now: () => number;
  private readonly subscribers = new Map<string, Set<BusHandlers>>();
  private busConnected = true;
  private readonly host: ScriptHost = {
    get: (key) => this.live(key),
    set: (key, value, px) => {
      this.data.set(key, { value, expiresAt: this.now() + px });
    },
    unlink: (key) => (this.live(key) !== null && this.data.delete(key) ? 1 : 0),
    incr: (key) => {
      const next = Number(this.live(key)?.toString() ?? '0') + 1;
      this.data.set(key, { value: Buffer.from(String(next)), expiresAt: this.data.get(key)?.expiresAt });
      return next;
    },
  };

  constructor(options: MemoryRedisOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  private async op<T>(name: string, fn: () => T): Promise<T> {
    this.calls[name] = (this.calls[name] ?? 0) + 1;
    if (this.mode === 'reject') throw new Error(`connection refused (${name})`);
    if (this.mode === 'hang') return new Promise<T>(() => undefined);
    await Promise.resolve();
    return fn();
  }

  private live(key: string): Buffer | null {
    const entry = this.data.get(key);
    if (!entry) return null;
    if (entry.expiresAt !== undefined && entry.expiresAt <= this.now()) {
      this.data.delete(key);
      return null;
    }
    return entry.value;
  }

  mget(keys: readonly string[]): Promise<(Buffer | null)[]> {
    return this.op('mget', () => keys.map((k) => this.live(k)));
  }

  set(key: string, value: Buffer | string, options: CacheSetOptions): Promise<boolean> {
    return this.op('set', () => {
      if (options.nx && this.live(key) !== null) return false;
      this.host.set(key, Buffer.from(value), options.px);
      return true;
    });
  }

  /** Both ports are this object: writes carry their invalidation, as over one real connection. */
  get redis(): object {
    return this;
  }

  readonly setThenGet: CacheClient['setThenGet'] = (key, value, px, check, notice) =>
    this.op('setThenGet', () => {
      this.host.set(key, value, px);
      const current = this.live(check);
      if (notice) this.deliver(notice.channel, notice.message);
      return current;
    });

  incr(key: string): Promise<number> {
    return this.op('incr', () => this.host.incr(key));
  }

  unlink(keys: readonly string[]): Promise<number> {
    return this.op('unlink', () => keys.reduce((n, k) => n + this.host.unlink(k), 0));
  }

  script(script: CacheScript, keys: readonly string[], args: readonly (string | Buffer)[]): Promise<unknown> {
    return this.op(`script:${script.name}`, () => script.emulate(this.host, keys, args));
  }

  async *scan(match: string, count: number): AsyncIterable<readonly string[]> {
    const pattern = globToRegExp(match);
    const keys = await this.op('scan', () =>
      [...this.data.keys()].filter((k) => pattern.test(k) && this.live(k) !== null),
    );
    for (let i = 0; i < keys.length; i += count) yield keys.slice(i, i + count);
  }

  publish(channel: string, message: string): Promise<number> {
    return this.op('publish', () => this.deliver(channel, message));
  }

  private deliver(channel: string, message: string): number {
    const targets = this.busConnected ? [...(this.subscribers.get(channel) ?? [])] : [];
    // Delivered on a later turn, as over a network, and in publish order.
    setImmediate(() => {
      for (const handlers of targets) handlers.message(message);
    });
    return targets.length;
  }

  async subscribe(channel: string, handlers: BusHandlers): Promise<BusSubscription> {
    await this.op('subscribe', () => undefined);
    const set = this.subscribers.get(channel) ?? new Set<BusHandlers>();
    this.subscribers.set(channel, set);
    set.add(handlers);
    handlers.state(this.busConnected);
    return {
      close: async () => {
        set.delete(handlers);
      },
    };
  }

  /**
   * Simulates the subscriber connections dropping (`false`: subscribers are told, and messages
   * published meanwhile are lost) and coming back (`true`).
   */
  setBusConnected(connected: boolean): void {
    this.busConnected = connected;
    for (const set of this.subscribers.values()) for (const handlers of set) handlers.state(connected);
  }
}
