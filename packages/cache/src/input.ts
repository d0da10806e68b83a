import { CacheInputError } from './errors';

/** Longest key accepted by default (characters); Redis would take 512 MB, which no cache key needs. */
export const DEFAULT_MAX_KEY_LENGTH = 1024;
/** Most tags one entry may carry. */
export const MAX_TAGS_PER_ENTRY = 32;
/** Longest tag (characters). */
export const MAX_TAG_LENGTH = 128;
const MAX_TTL_MS = 365 * 24 * 3600 * 1000;

/**
 * @throws CacheInputError unless `key` is a string of 1 to `maxLength` characters.
 */
export function checkKey(key: unknown, maxLength: number, field = 'key'): string {
  if (typeof key !== 'string') throw new CacheInputError(field, `must be a string, got ${typeof key}`);
  if (key.length === 0 || key.length > maxLength) {
    throw new CacheInputError(field, `must be 1 to ${maxLength} characters, got ${key.length}`);
  }
  return key;
}

/** @throws CacheInputError unless `keys` is an array of valid keys. */
export function checkKeys(keys: unknown, maxLength: number): readonly string[] {
  if (!Array.isArray(keys)) throw new CacheInputError('keys', `must be an array, got ${typeof keys}`);
  for (let i = 0; i < keys.length; i++) checkKey(keys[i], maxLength, `keys[${i}]`);
  return keys as readonly string[];
}

/**
 * A per-call TTL: a whole number of milliseconds from 1 to 365 days (Redis' `PX` takes integers; a
 * TTL of 0, below 1 or negative would store a key that is already expired).
 * @throws CacheInputError naming `field`.
 */
export function checkTtl(ttlMs: unknown, field = 'ttlMs'): number {
  if (typeof ttlMs !== 'number' || !Number.isInteger(ttlMs) || ttlMs < 1 || ttlMs > MAX_TTL_MS) {
    throw new CacheInputError(
      field,
      `must be a whole number of milliseconds from 1 to ${MAX_TTL_MS}, got ${String(ttlMs)}`,
    );
  }
  return ttlMs;
}

/** @throws CacheInputError unless `tags` is an array of at most 32 distinct strings of 1 to 128 characters. */
export function checkTags(tags: unknown, field = 'tags'): readonly string[] {
  if (!Array.isArray(tags))
    throw new CacheInputError(field, `must be an array of strings, got ${typeof tags}`);
  if (tags.length > MAX_TAGS_PER_ENTRY) {
    throw new CacheInputError(field, `at most ${MAX_TAGS_PER_ENTRY} tags per entry, got ${tags.length}`);
  }
  for (let i = 0; i < tags.length; i++) {
    const tag: unknown = tags[i];
    if (typeof tag !== 'string' || tag.length === 0 || tag.length > MAX_TAG_LENGTH) {
      throw new CacheInputError(`${field}[${i}]`, `must be a string of 1 to ${MAX_TAG_LENGTH} characters`);
    }
  }
  return [...new Set(tags as string[])];
}
