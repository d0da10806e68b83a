import type { IndexInfo } from '../index-health';
import { quoteIdentifier } from '../index-health';
import type { TableCatalog, TableUse } from './predicates';

/** A b-tree index that may not exist yet. */
export interface CandidateIndex {
  /** `schema.table`. */
  readonly table: string;
  readonly columns: readonly string[];
  /** Column → operator class, for the columns that need one other than the default. */
  readonly operatorClasses?: Readonly<Record<string, string>>;
}

/**
 * The operator class that lets a b-tree answer `LIKE 'prefix%'` whatever the column's collation;
 * the default class does so only under the C collation.
 */
export const PATTERN_OPERATOR_CLASS = 'text_pattern_ops';

/** Wider b-tree keys rarely pay for their size and write cost; Dexter stops at three too. */
const MAX_COLUMNS = 3;

/** A stable identity for de-duplication. */
export function candidateKey(candidate: CandidateIndex): string {
  const columns = candidate.columns.map((column) => {
    const operatorClass = candidate.operatorClasses?.[column];
    return operatorClass ? `${column} ${operatorClass}` : column;
  });
  return `${candidate.table}(${columns.join(',')})`;
}

/** `CREATE INDEX CONCURRENTLY ON schema.table (a, b)`: the DDL an operator runs. */
export function createIndexSql(candidate: CandidateIndex, concurrently = true): string {
  const [schema, ...rest] = candidate.table.split('.');
  const table = `${quoteIdentifier(schema!)}.${quoteIdentifier(rest.join('.'))}`;
  const columns = candidate.columns
    .map((column) => {
      const operatorClass = candidate.operatorClasses?.[column];
      return operatorClass ? `${quoteIdentifier(column)} ${operatorClass}` : quoteIdentifier(column);
    })
    .join(', ');
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
      candidate.columns.every((column, i) => index.columns[i] === column) &&
      Object.values(candidate.operatorClasses ?? {}).every((name) => index.definition.includes(name)),
  );
}

/** How many uses in the workload look a column up by equality, per `table.column`. */
export function equalityFrequency(uses: readonly TableUse[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const use of uses) {
    for (const column of [...use.equality, ...use.join, ...use.pattern]) {
      const key = `${use.table}.${column}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/** The planner's distinct-value estimate of a column; 0 when there are no statistics. */
function distinctValues(catalog: TableCatalog | undefined, table: string, column: string): number {
  return catalog?.distinct?.get(`${table}.${column}`) ?? 0;
}

/**
 * Candidate indexes for one table use. Column order follows how a b-tree is searched: equality
 * columns first, the most selective leading (most distinct values in the planner's statistics;
 * without statistics, the column the workload looks up most often, so more queries can use the
 * prefix), then one range or prefix-pattern column (a scan can seek on only one), or else the
 * ORDER BY columns (so the index also delivers the order). A pattern column is also proposed with
 * {@link PATTERN_OPERATOR_CLASS}, which the planner needs for `LIKE` under a non-C collation.
 * Single columns are proposed too, since a narrower index may serve more queries. Candidates an
 * existing index already covers are dropped, and all of them when it covers the most complete one.
 */
export function candidatesFor(
  use: TableUse,
  frequency: ReadonlyMap<string, number>,
  existing: readonly IndexInfo[],
  catalog?: TableCatalog,
): CandidateIndex[] {
  const often = (column: string) => frequency.get(`${use.table}.${column}`) ?? 0;
  const selective = (column: string) => distinctValues(catalog, use.table, column);
  const lookups = [...new Set([...use.equality, ...use.join])];
  const equality = lookups
    .map((column, order) => ({ column, order }))
    .sort(
      (a, b) =>
        selective(b.column) - selective(a.column) || often(b.column) - often(a.column) || a.order - b.order,
    )
    .map(({ column }) => column)
    .slice(0, MAX_COLUMNS);
  const range = use.range.find((column) => !equality.includes(column));
  const pattern = use.pattern.find((column) => !equality.includes(column));
  const sort = use.sort.filter((column) => !equality.includes(column));
  const shapes: Array<{ columns: string[]; patternColumn?: string }> = [];
  if (equality.length > 0) shapes.push({ columns: equality });
  if (range !== undefined) shapes.push({ columns: [...equality, range] });
  if (pattern !== undefined) {
    shapes.push({ columns: [...equality, pattern] });
    shapes.push({ columns: [...equality, pattern], patternColumn: pattern });
  }
  if (sort.length > 0 && (range === undefined || sort[0] === range))
    shapes.push({ columns: [...equality, ...sort] });
  // The most complete shape already exists: the narrower ones cannot beat it for this query.
  const widest = shapes.reduce<string[]>(
    (longest, shape) => (shape.columns.length > longest.length ? shape.columns : longest),
    [],
  );
  if (widest.length > 0 && isCovered({ table: use.table, columns: widest.slice(0, MAX_COLUMNS) }, existing))
    return [];
  for (const column of [...lookups, ...use.range, ...use.sort.slice(0, 1)])
    shapes.push({ columns: [column] });
  for (const column of use.pattern) {
    shapes.push({ columns: [column] });
    shapes.push({ columns: [column], patternColumn: column });
  }
  const seen = new Set<string>();
  const out: CandidateIndex[] = [];
  for (const shape of shapes) {
    const columns = [...new Set(shape.columns)].slice(0, MAX_COLUMNS);
    const candidate: CandidateIndex =
      shape.patternColumn !== undefined && columns.includes(shape.patternColumn)
        ? { table: use.table, columns, operatorClasses: { [shape.patternColumn]: PATTERN_OPERATOR_CLASS } }
        : { table: use.table, columns };
    const key = candidateKey(candidate);
    if (seen.has(key) || isCovered(candidate, existing)) continue;
    seen.add(key);
    out.push(candidate);
  }
  return out;
}
