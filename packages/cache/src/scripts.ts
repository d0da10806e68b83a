import { createHash } from 'node:crypto';

/** What the memory store gives a script's JavaScript twin: the commands the scripts use. */
export interface ScriptHost {
  get(key: string): Buffer | null;
  set(key: string, value: Buffer, px: number): void;
  unlink(key: string): number;
  incr(key: string): number;
}

/**
 * A Lua script the cache runs atomically in Redis (`EVALSHA`, falling back to `EVAL` when Redis
 * does not know the script yet), with the same logic in JavaScript for {@link MemoryRedis}.
 */
export interface CacheScript {
  readonly name: string;
  readonly lua: string;
  /** Lower-case hex SHA-1 of {@link lua}, as `EVALSHA` takes it. */
  readonly sha1: string;
  /** The script's logic for the in-process memory store; replies are shaped as Redis replies them. */
  emulate(host: ScriptHost, keys: readonly string[], args: readonly (string | Buffer)[]): unknown;
}

function script(name: string, lua: string, emulate: CacheScript['emulate']): CacheScript {
  return { name, lua, sha1: createHash('sha1').update(lua).digest('hex'), emulate };
}

const text = (arg: string | Buffer | undefined): string => (arg === undefined ? '' : arg.toString());

/**
 * Writes entries under the namespace's current generation, whatever generation the writer assumed:
 * a write never lands in a generation another instance has already invalidated.
 *
 * KEYS: the generation key, then each value key under the assumed generation (so the keys are
 * declared when the assumption holds). ARGV: the assumed generation, the value-key root, then per
 * entry its key suffix, value and PX. Replies the generation written under.
 */
export const WRITE_SCRIPT: CacheScript = script(
  'write',
  `local g = redis.call('GET', KEYS[1]) or '0'
for i = 1, #KEYS - 1 do
  local key = KEYS[i + 1]
  if g ~= ARGV[1] then key = ARGV[2] .. g .. ':' .. ARGV[3 * i] end
  redis.call('SET', key, ARGV[3 * i + 1], 'PX', ARGV[3 * i + 2])
end
return g`,
  (host, keys, args) => {
    const generation = host.get(keys[0]!)?.toString() ?? '0';
    for (let i = 1; i < keys.length; i++) {
      // Lua counts ARGV from 1: its ARGV[3i] is args[3i - 1] here.
      const key =
        generation === text(args[0]) ? keys[i]! : `${text(args[1])}${generation}:${text(args[3 * i - 1])}`;
      const value = args[3 * i]!;
      host.set(key, Buffer.isBuffer(value) ? value : Buffer.from(value), Number(text(args[3 * i + 1])));
    }
    return generation;
  },
);

/**
 * Removes keys under the namespace's current generation. KEYS and the first two ARGV as in
 * {@link WRITE_SCRIPT}, then each key suffix. Replies `[generation, removed]`.
 */
export const DELETE_SCRIPT: CacheScript = script(
  'delete',
  `local g = redis.call('GET', KEYS[1]) or '0'
local removed = 0
for i = 2, #KEYS do
  local key = KEYS[i]
  if g ~= ARGV[1] then key = ARGV[2] .. g .. ':' .. ARGV[i + 1] end
  removed = removed + redis.call('UNLINK', key)
end
return {g, removed}`,
  (host, keys, args) => {
    const generation = host.get(keys[0]!)?.toString() ?? '0';
    let removed = 0;
    for (let i = 1; i < keys.length; i++) {
      const key =
        generation === text(args[0]) ? keys[i]! : `${text(args[1])}${generation}:${text(args[i + 1])}`;
      removed += host.unlink(key);
    }
    return [generation, removed];
  },
);

/** Bumps every tag counter in KEYS. Replies how many. */
export const INVALIDATE_TAGS_SCRIPT: CacheScript = script(
  'invalidate-tags',
  `for i = 1, #KEYS do redis.call('INCR', KEYS[i]) end
return #KEYS`,
  (host, keys) => {
    for (const key of keys) host.incr(key);
    return keys.length;
  },
);

/**
 * Deletes the lock only if it still holds our token: a holder whose lock expired and was taken by
 * someone else cannot release the new owner's lock.
 */
export const RELEASE_LOCK_SCRIPT: CacheScript = script(
  'release-lock',
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end",
  (host, keys, args) => (host.get(keys[0]!)?.toString() === text(args[0]) ? host.unlink(keys[0]!) : 0),
);
