import { randomUUID } from 'node:crypto';
import type { CacheClient } from './port';
import { RELEASE_LOCK_SCRIPT } from './scripts';

/**
 * A single-key Redis lock: `SET key token NX PX ttl` to take it, a compare-and-delete Lua script to
 * release it. Not a fencing lock: use it to avoid duplicate work (stampedes), not for correctness
 * of writes elsewhere, since a paused holder can outlive its TTL.
 *
 * @example
 * ```ts
 * const lock = new RedisLock(client, '{reports}:lock:daily', 30_000);
 * if (await lock.acquire()) {
 *   try { await buildReport(); } finally { await lock.release(); }
 * }
 * ```
 */
export class RedisLock {
  private held = false;
  private readonly client: CacheClient;
  /** The lock key. */
  readonly key: string;
  /** How long the lock lives unless released. */
  readonly ttlMs: number;
  /** The owner's token; unique per lock by default. */
  readonly token: string;

  constructor(client: CacheClient, key: string, ttlMs: number, token: string = randomUUID()) {
    this.client = client;
    this.key = key;
    this.ttlMs = ttlMs;
    this.token = token;
  }

  /** Takes the lock if it is free; `false` when someone else holds it. Rejects on Redis errors. */
  async acquire(): Promise<boolean> {
    this.held = await this.client.set(this.key, this.token, { px: this.ttlMs, nx: true });
    return this.held;
  }

  /**
   * Releases the lock if this instance still owns it; `false` when it expired or belongs to someone
   * else now (nothing is deleted then). Rejects on Redis errors.
   */
  async release(): Promise<boolean> {
    const released = Number(await this.client.script(RELEASE_LOCK_SCRIPT, [this.key], [this.token])) === 1;
    this.held = false;
    return released;
  }

  /** Whether the last {@link acquire} succeeded and no {@link release} followed. */
  get isHeld(): boolean {
    return this.held;
  }
}
