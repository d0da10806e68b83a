import type { CacheError } from './errors';

/** Which tier answered a hit. */
export type CacheTier = 'l1' | 'l2';

/** What each lifecycle event carries. Keys are the caller's keys, without prefix or namespace. */
export interface CacheEventMap {
  /** A fresh value was served. */
  hit: { readonly namespace: string; readonly key: string; readonly tier: CacheTier };
  /** Nothing usable was found (absent, expired, a cached "no value", or Redis unavailable). */
  miss: { readonly namespace: string; readonly key: string };
  /** A stale value was served (stale-while-revalidate, grace after a loader error, soft timeout). */
  stale: { readonly namespace: string; readonly key: string };
  /** A `getOrSet` loader settled on this instance. */
  load: {
    readonly namespace: string;
    readonly key: string;
    readonly durationMs: number;
    readonly outcome: 'value' | 'no-value' | 'error' | 'timeout';
  };
  /** Entries were written to Redis. */
  write: { readonly namespace: string; readonly keys: readonly string[] };
  /**
   * Entries were invalidated: by this instance (`origin: 'local'`, once Redis took it) or by another
   * one (`'remote'`, when its bus message arrived and L1 dropped them).
   */
  invalidation: {
    readonly namespace: string;
    readonly scope: 'keys' | 'namespace' | 'tags';
    readonly keys?: readonly string[];
    readonly tags?: readonly string[];
    readonly origin: 'local' | 'remote';
  };
  /** Something the cache swallowed (the same error `onError` receives). */
  error: { readonly error: CacheError };
}

/** A lifecycle event's name. */
export type CacheEventName = keyof CacheEventMap;

type Listener<E extends CacheEventName> = (event: CacheEventMap[E]) => void;

/**
 * A typed emitter that costs nothing for events without listeners. A listener that throws does not
 * break the cache operation that emitted: its error becomes a process warning.
 */
export class CacheEvents {
  private readonly listeners: { [E in CacheEventName]?: Listener<E>[] } = {};

  /** Adds `listener`; returns the function that removes it. */
  on<E extends CacheEventName>(event: E, listener: Listener<E>): () => void {
    const list = (this.listeners[event] ?? []) as Listener<E>[];
    (this.listeners as Record<string, unknown>)[event] = [...list, listener];
    return () => this.off(event, listener);
  }

  off<E extends CacheEventName>(event: E, listener: Listener<E>): void {
    const list = (this.listeners[event] ?? []) as Listener<E>[];
    (this.listeners as Record<string, unknown>)[event] = list.filter((l) => l !== listener);
  }

  /** Whether anyone listens to `event`: callers skip building the payload when not. */
  has(event: CacheEventName): boolean {
    return (this.listeners[event]?.length ?? 0) > 0;
  }

  emit<E extends CacheEventName>(event: E, payload: CacheEventMap[E]): void {
    const list = this.listeners[event] as Listener<E>[] | undefined;
    if (!list) return;
    for (const listener of list) {
      try {
        listener(payload);
      } catch (error) {
        process.emitWarning(
          `a cache "${event}" listener threw: ${(error as Error)?.message ?? String(error)}`,
          {
            code: 'MISYBOT_CACHE_LISTENER',
          },
        );
      }
    }
  }
}
