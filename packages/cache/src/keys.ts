import { CacheConfigError } from './errors';

/** Namespace names: letters, digits, `_ . : -`; at most 64 characters. */
const NAMESPACE_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
/** Prefixes must not open a hash tag of their own nor contain glob characters. */
const PREFIX_FORBIDDEN = /[{}*?[\]\\]/;

/**
 * The keys of one namespace. Every key carries the hash tag `{ns}`, so all of them hash to one slot:
 * multi-key commands and Lua scripts are valid in cluster mode. (A namespace therefore lives on one
 * shard; split a very hot data set into several namespaces.)
 *
 * ```
 * <prefix>{<ns>}:g                  generation counter (no TTL)
 * <prefix>{<ns>}:v:<gen>:<key>      value envelope
 * <prefix>{<ns>}:l:<gen>:<key>      loader lock (getOrSet with lock)
 * <prefix>{<ns>}:t:<tag>            tag version counter (no TTL; exists once the tag was invalidated)
 * ```
 */
export interface NamespaceKeys {
  readonly generation: string;
  value(generation: string, key: string): string;
  /** The part of {@link value}'s key before `key`, so a reader can build it once per generation. */
  valuePrefix(generation: string): string;
  /** The part of every value key before the generation: the write scripts append `<gen>:<key>`. */
  readonly valueRoot: string;
  lock(generation: string, key: string): string;
  tag(tag: string): string;
  /** SCAN pattern matching every key of the namespace, generation counter included. */
  readonly pattern: string;
}

/** @throws CacheConfigError when the name cannot be used inside a hash tag. */
export function validateNamespace(namespace: string): string {
  if (!NAMESPACE_PATTERN.test(namespace)) {
    throw new CacheConfigError(
      'namespace',
      `"${namespace}" must be 1-64 characters of letters, digits, "_", ".", ":" or "-"`,
    );
  }
  return namespace;
}

/** @throws CacheConfigError when the prefix would break the hash tag or the SCAN pattern. */
export function validatePrefix(prefix: string): string {
  if (PREFIX_FORBIDDEN.test(prefix) || prefix.length > 128) {
    throw new CacheConfigError('prefix', `"${prefix}" must be at most 128 characters without { } * ? [ ] \\`);
  }
  return prefix;
}

/** Builds the key schema of one namespace. */
export function namespaceKeys(prefix: string, namespace: string): NamespaceKeys {
  const base = `${validatePrefix(prefix)}{${validateNamespace(namespace)}}:`;
  return {
    generation: `${base}g`,
    value: (generation, key) => `${base}v:${generation}:${key}`,
    valuePrefix: (generation) => `${base}v:${generation}:`,
    valueRoot: `${base}v:`,
    lock: (generation, key) => `${base}l:${generation}:${key}`,
    tag: (tag) => `${base}t:${tag}`,
    pattern: `${base}*`,
  };
}
