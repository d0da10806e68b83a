import type { IndexInfo } from '../index-health';
import { quoteIdentifier } from '../index-health';
import type { TableUse } from './predicates';

/** A b-tree index that may not exist yet. */
export interface CandidateIndex {
  /** `schema.table`. */
  readonly table: string;
  readonly columns: readonly string[];
}

/** Wider b-tree keys rarely pay for their size and write cost; Dexter stops at three too. */
const MAX_COLUMNS = 3;

/** A stable identity for de-duplication. */
export function candidateKey(candidate: CandidateIndex): string {
  return `${candidate.table}(${candidate.columns.join(',')})`;
}

/** `CREATE INDEX CONCURRENTLY ON schema.table (a, b)`: the DDL an operator runs. */
export function createIndexSql(candidate: CandidateIndex, concurrently = true): string {
  const [schema, ...rest] = candidate.table.split('.');
  const table = `${quoteIdentifier(schema!)}.${quoteIdentifier(rest.join('.'))}`;
  const columns = candidate.columns.map(quoteIdentifier).join(', ');
  return `CREATE INDEX${concurrently ? ' CONCURRENTLY' : ''} ON ${table} (${columns})`;
}

/**
 * True when a valid, non-partial b-tree index on the same table starts with the candidate's
 * columns: it answers every lookup the candidate would.
 */
export function isCovered(candidate: CandidateIndex, existing: readonly IndexInfo[]): boolean {
  return existing.some(
    (index) =>
      `${index.schema}.${index.table}` === candidate.table &&
      index.method === 'btree' &&
      index.valid &&
      index.predicate === null &&
      candidate.columns.length <= index.columns.length &&
      candidate.columns.every((column, i) => index.columns[i] === column),
  );
}

/** How many uses in the workload look a column up by equality, per `table.column`. */
export function equalityFrequency(uses: readonly TableUse[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const use of uses) {
    for (const column of [...use.equality, ...use.join]) {
      const key = `${use.table}.${column}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * Candidate indexes for one table use. Column order follows how a b-tree is searched: equality
 * columns first (those the workload looks up most often lead, so more queries can use the prefix),
 * then one range column (a scan can seek on only one), or else the ORDER BY columns (so the index
 * also delivers the order). Single columns are proposed too, since a narrower index may serve more
 * queries. Candidates an existing index already covers are dropped, and all of them when it covers
 * the most complete one.
 */
export function candidatesFor(
  use: TableUse,
  frequency: ReadonlyMap<string, number>,
  existing: readonly IndexInfo[],
): CandidateIndex[] {
  const often = (column: string) => frequency.get(`${use.table}.${column}`) ?? 0;
  const lookups = [...new Set([...use.equality, ...use.join])];
  const equality = lookups
    .map((column, order) => ({ column, order }))
    .sort((a, b) => often(b.column) - often(a.column) || a.order - b.order)
    .map(({ column }) => column)
    .slice(0, MAX_COLUMNS);
  const range = use.range.find((column) => !equality.includes(column));
  const sort = use.sort.filter((column) => !equality.includes(column));
  const shapes: string[][] = [];
  if (equality.length > 0) shapes.push(equality);
  if (range !== undefined) shapes.push([...equality, range]);
  if (sort.length > 0 && (range === undefined || sort[0] === range)) shapes.push([...equality, ...sort]);
  // The most complete shape already exists: the narrower ones cannot beat it for this query.
  const widest = shapes.reduce<string[]>(
    (longest, shape) => (shape.length > longest.length ? shape : longest),
    [],
  );
  if (widest.length > 0 && isCovered({ table: use.table, columns: widest.slice(0, MAX_COLUMNS) }, existing))
    return [];
  for (const column of [...lookups, ...use.range, ...use.sort.slice(0, 1)]) shapes.push([column]);
  const seen = new Set<string>();
  const out: CandidateIndex[] = [];
  for (const columns of shapes) {
    const candidate = { table: use.table, columns: [...new Set(columns)].slice(0, MAX_COLUMNS) };
    const key = candidateKey(candidate);
    if (seen.has(key) || isCovered(candidate, existing)) continue;
    seen.add(key);
    out.push(candidate);
  }
  return out;
}
