import { RELEASE_LOCK_SCRIPT } from '../../../packages/cache/src/lock';
import type { CacheClient } from '../../../packages/cache/src/port';

/** How the fake answers: normally, by rejecting every call, or by never answering. */
export type MemoryMode = 'ok' | 'reject' | 'hang';

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/**
 * An in-memory Redis for unit tests: the six commands of the port with PX expiry on an injectable
 * clock, NX, the lock-release script, SCAN with MATCH; `mode` simulates an outage; `calls` counts
 * commands by name.
 */
export class MemoryClient implements CacheClient {
  readonly data = new Map<string, { value: Buffer; expiresAt: number | undefined }>();
  readonly calls: Record<string, number> = {};
  mode: MemoryMode = 'ok';

  constructor(readonly now: () => number = Date.now) {}

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

  mget(keys: readonly string[]) {
    return this.op('mget', () => keys.map((k) => this.live(k)));
  }

  set(key: string, value: Buffer | string, options: { px: number; nx?: boolean }) {
    return this.op('set', () => {
      if (options.nx && this.live(key) !== null) return false;
      this.data.set(key, { value: Buffer.from(value), expiresAt: this.now() + options.px });
      return true;
    });
  }

  incr(key: string) {
    return this.op('incr', () => {
      const next = Number(this.live(key)?.toString() ?? '0') + 1;
      const expiresAt = this.data.get(key)?.expiresAt;
      this.data.set(key, { value: Buffer.from(String(next)), expiresAt });
      return next;
    });
  }

  unlink(keys: readonly string[]) {
    return this.op('unlink', () => keys.filter((k) => this.live(k) !== null && this.data.delete(k)).length);
  }

  eval(script: string, keys: readonly string[], args: readonly string[]) {
    return this.op('eval', () => {
      if (script !== RELEASE_LOCK_SCRIPT) throw new Error('MemoryClient only runs the lock-release script');
      const key = keys[0]!;
      if (this.live(key)?.toString() !== args[0]) return 0;
      this.data.delete(key);
      return 1;
    });
  }

  async *scan(match: string, count: number): AsyncIterable<readonly string[]> {
    const pattern = globToRegExp(match);
    const keys = await this.op('scan', () =>
      [...this.data.keys()].filter((k) => pattern.test(k) && this.live(k)),
    );
    for (let i = 0; i < keys.length; i += count) yield keys.slice(i, i + count);
  }
}

/** A clock tests move by hand. */
export function manualClock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}
