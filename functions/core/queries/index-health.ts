/** An existing index, as pg_index, pg_class and pg_stat_user_indexes describe it. */
export interface IndexInfo {
  readonly schema: string;
  readonly table: string;
  readonly name: string;
  /** Key columns in order; expressions as `pg_get_indexdef` prints them. */
  readonly columns: readonly string[];
  /** INCLUDE columns: not part of the key, so they do not count for prefix matches. */
  readonly include?: readonly string[];
  readonly unique: boolean;
  readonly primary: boolean;
  /** Access method: btree, hash, gin, gist, brin, ... */
  readonly method: string;
  /** The partial-index predicate, or null. */
  readonly predicate: string | null;
  readonly valid: boolean;
  readonly sizeBytes: number;
  /** `idx_scan` since the statistics were last reset. */
  readonly scans: number;
  /** `pg_get_indexdef`, for reports. */
  readonly definition: string;
}

/** An index nothing has scanned. */
export interface UnusedIndex {
  readonly schema: string;
  readonly table: string;
  readonly name: string;
  readonly sizeBytes: number;
  readonly definition: string;
  readonly sql: string;
}

/** An index another one makes redundant. */
export interface DuplicateIndex {
  readonly schema: string;
  readonly table: string;
  readonly name: string;
  readonly columns: readonly string[];
  readonly coveredBy: string;
  readonly coveredByColumns: readonly string[];
  readonly sizeBytes: number;
  readonly sql: string;
}

/** Quotes an identifier only when Postgres would need it. */
export function quoteIdentifier(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

function dropSql(index: IndexInfo): string {
  return `DROP INDEX CONCURRENTLY ${quoteIdentifier(index.schema)}.${quoteIdentifier(index.name)};`;
}

/**
 * Indexes with no scans since the statistics reset, at least `minSizeBytes` large, largest first.
 * Unique and primary-key indexes enforce constraints, so they are never reported however idle.
 */
export function findUnusedIndexes(indexes: readonly IndexInfo[], minSizeBytes: number): UnusedIndex[] {
  return indexes
    .filter((i) => i.scans === 0 && !i.unique && !i.primary && i.valid && i.sizeBytes >= minSizeBytes)
    .sort((a, b) => b.sizeBytes - a.sizeBytes || a.name.localeCompare(b.name))
    .map((i) => ({
      schema: i.schema,
      table: i.table,
      name: i.name,
      sizeBytes: i.sizeBytes,
      definition: i.definition,
      sql: dropSql(i),
    }));
}

function isPrefix(prefix: readonly string[], of: readonly string[]): boolean {
  return prefix.length <= of.length && prefix.every((column, i) => of[i] === column);
}

function makesRedundant(index: IndexInfo, other: IndexInfo): boolean {
  if (index === other || !other.valid) return false;
  if (index.schema !== other.schema || index.table !== other.table) return false;
  if (index.method !== other.method || index.predicate !== other.predicate) return false;
  // Only btree keys are ordered, so only there does a prefix answer the same lookups.
  if (
    index.method === 'btree'
      ? !isPrefix(index.columns, other.columns)
      : index.columns.join() !== other.columns.join()
  ) {
    return false;
  }
  // A unique index enforces a constraint only an identical unique index can take over.
  if (index.unique || index.primary) return other.unique && other.columns.length === index.columns.length;
  return true;
}

/**
 * Indexes another index on the same table makes redundant (PgHero's rule): the same method and
 * partial predicate, and key columns a prefix of the other's. Of two identical indexes the one kept
 * is the constraint-bearing one, else the larger name, so exactly one of the pair is reported.
 */
export function findDuplicateIndexes(indexes: readonly IndexInfo[]): DuplicateIndex[] {
  const found: DuplicateIndex[] = [];
  for (const index of indexes) {
    if (index.primary) continue;
    const covering = indexes.find((other) => {
      if (!makesRedundant(index, other)) return false;
      if (other.columns.length > index.columns.length) return true;
      // Identical keys: report only one of the two.
      const rank = (i: IndexInfo) => (i.primary ? 2 : i.unique ? 1 : 0);
      return rank(other) > rank(index) || (rank(other) === rank(index) && other.name > index.name);
    });
    if (!covering) continue;
    found.push({
      schema: index.schema,
      table: index.table,
      name: index.name,
      columns: index.columns,
      coveredBy: covering.name,
      coveredByColumns: covering.columns,
      sizeBytes: index.sizeBytes,
      sql: dropSql(index),
    });
  }
  return found.sort((a, b) => b.sizeBytes - a.sizeBytes || a.name.localeCompare(b.name));
}
