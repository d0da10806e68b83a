import { type EmfDocument, emfDocument } from '@misybot-ha/metrics';

/** Counters of one namespace since the last reset. */
export interface CacheStatsSnapshot {
  readonly namespace: string;
  /** Fresh values served (from either tier; a cached "no value" counts too). */
  readonly hits: number;
  /** Of {@link hits}, those served from the in-process tier (L1). */
  readonly l1Hits: number;
  /** Lookups that found nothing usable (absent, expired, undecodable, or Redis unavailable). */
  readonly misses: number;
  /** Stale values served: within stale-while-revalidate, or within grace after a loader error. */
  readonly staleServes: number;
  /** Redis calls that failed, timed out or were refused by the open breaker; plus encode/decode failures. */
  readonly errors: number;
  /** Loader calls made by `getOrSet` on this instance. */
  readonly loads: number;
  /** Stored bytes read from Redis (envelopes). */
  readonly bytesIn: number;
  /** Stored bytes written to Redis (envelopes, after compression). */
  readonly bytesOut: number;
  /** Serialised bytes before compression of what was written. */
  readonly uncompressedBytesOut: number;
  /** `uncompressedBytesOut / bytesOut`; 1 when nothing was written. */
  readonly compressionRatio: number;
}

type Counter = Exclude<keyof CacheStatsSnapshot, 'namespace' | 'compressionRatio'>;

/** Mutable counters of one namespace. */
export class NamespaceStats {
  private counts: Record<Counter, number> = NamespaceStats.zero();
  readonly namespace: string;

  constructor(namespace: string) {
    this.namespace = namespace;
  }

  private static zero(): Record<Counter, number> {
    return {
      hits: 0,
      l1Hits: 0,
      misses: 0,
      staleServes: 0,
      errors: 0,
      loads: 0,
      bytesIn: 0,
      bytesOut: 0,
      uncompressedBytesOut: 0,
    };
  }

  add(counter: Counter, amount = 1): void {
    this.counts[counter] += amount;
  }

  /** The counters now; with `reset`, starts a new period (for deltas per EMF flush). */
  snapshot(reset = false): CacheStatsSnapshot {
    const c = this.counts;
    if (reset) this.counts = NamespaceStats.zero();
    return {
      namespace: this.namespace,
      ...c,
      compressionRatio: c.bytesOut > 0 ? c.uncompressedBytesOut / c.bytesOut : 1,
    };
  }
}

/** Options of {@link cacheStatsToEmf}. */
export interface CacheEmfOptions {
  /** CloudWatch namespace. @default 'MisyBot/Cache' */
  readonly metricNamespace?: string;
  /** Extra dimensions on every document, e.g. `{ Service: 'chat-api' }`. @default {} */
  readonly dimensions?: Readonly<Record<string, string>>;
  /** @default Date.now() */
  readonly timestamp?: number;
}

/**
 * One EMF document per cache namespace (dimension `CacheNamespace`), metrics `Hits`, `L1Hits`, `Misses`,
 * `StaleServes`, `Errors`, `Loads`, `BytesIn`, `BytesOut`, `CompressionRatio`.
 *
 * @example
 * ```ts
 * setInterval(() => {
 *   for (const doc of cacheStatsToEmf(cache.stats({ reset: true }), { dimensions: { Service: 'chat' } })) {
 *     process.stdout.write(`${JSON.stringify(doc)}\n`);
 *   }
 * }, 60_000).unref();
 * ```
 */
export function cacheStatsToEmf(
  snapshots: readonly CacheStatsSnapshot[],
  options: CacheEmfOptions = {},
): EmfDocument[] {
  const timestamp = options.timestamp ?? Date.now();
  return snapshots.map((s) =>
    emfDocument({
      namespace: options.metricNamespace ?? 'MisyBot/Cache',
      dimensions: { ...options.dimensions, CacheNamespace: s.namespace },
      timestamp,
      metrics: [
        { name: 'Hits', unit: 'Count', value: s.hits },
        { name: 'L1Hits', unit: 'Count', value: s.l1Hits },
        { name: 'Misses', unit: 'Count', value: s.misses },
        { name: 'StaleServes', unit: 'Count', value: s.staleServes },
        { name: 'Errors', unit: 'Count', value: s.errors },
        { name: 'Loads', unit: 'Count', value: s.loads },
        { name: 'BytesIn', unit: 'Bytes', value: s.bytesIn },
        { name: 'BytesOut', unit: 'Bytes', value: s.bytesOut },
        { name: 'CompressionRatio', unit: 'None', value: s.compressionRatio },
      ],
    }),
  );
}
