import type { ParseTree, SqlParser } from '../sql-parser-port';
import { planningText } from './planning-text';
import { extractTableUses, type TableCatalog, type TableUse } from './predicates';
import { nodesOfType, parameterOf } from './statement-text';

/** A query to advise on (normalised text, with `$n` parameters). */
export interface AdvisableQuery {
  readonly key: string;
  readonly query: string;
  readonly calls: number;
  readonly meanMs: number;
  /**
   * One execution of the query with its literals (from a log), planned instead of the normalised
   * text: its real constants let the planner judge `LIKE 'prefix%'`, a `LIMIT` or a date range as
   * the application runs them.
   */
  readonly sample?: string;
}

/** Why the advisor did not (or could not fully) consider a query. */
export type SkipKind =
  | 'unparsable'
  | 'not-indexable'
  | 'nothing-to-index'
  | 'cannot-plan'
  | 'pattern-unknown';

/** A query the advisor left out, with a machine-readable kind and a sentence for people. */
export interface SkippedQuery {
  readonly key: string;
  readonly query: string;
  readonly kind: SkipKind;
  readonly reason: string;
}

/** A query the advisor will cost: its table uses and the exact text the planner gets. */
export interface PreparedQuery extends AdvisableQuery {
  readonly uses: TableUse[];
  readonly planText: string;
  /** A `LIKE $n` whose pattern no sample showed: no index can be proved for it. */
  readonly unboundPattern: boolean;
}

const PLANNABLE = ['SelectStmt', 'UpdateStmt', 'DeleteStmt'];
const WRITES = ['InsertStmt', 'MergeStmt'];

function statementType(tree: ParseTree): string | undefined {
  if (tree.stmts.length !== 1) return undefined;
  return Object.keys(tree.stmts[0]?.stmt ?? {})[0];
}

function unboundPattern(tree: ParseTree): boolean {
  return nodesOfType(tree.stmts, 'A_Expr').some(
    (expr) => expr.kind === 'AEXPR_LIKE' && parameterOf(expr.rexpr) !== undefined,
  );
}

function readsUserTable(tree: ParseTree): boolean {
  return nodesOfType(tree.stmts, 'RangeVar').some((range) => {
    const schema = typeof range.schemaname === 'string' ? range.schemaname : undefined;
    const name = typeof range.relname === 'string' ? range.relname : '';
    return schema === undefined
      ? !name.startsWith('pg_')
      : schema !== 'pg_catalog' && schema !== 'information_schema';
  });
}

function sampleText(query: AdvisableQuery, parser: SqlParser): string | undefined {
  if (query.sample === undefined) return undefined;
  try {
    parser.parse(query.sample);
    return query.sample;
  } catch {
    // A sample the parser rejects (a truncated log line) is no worse than having none.
    return undefined;
  }
}

/**
 * Sorts the workload into queries to cost and queries left out with their reason: text the
 * parser rejects, INSERT and MERGE (only SELECT, UPDATE and DELETE read through an index), and
 * statements with no filter, join or order on a plain column. Utility statements (transaction
 * control, SET, EXPLAIN, PREPARE) and statements that read no table but the system catalogs are
 * no workload and are dropped without a word.
 */
export function prepareQueries(
  queries: readonly AdvisableQuery[],
  parser: SqlParser,
  catalog: TableCatalog | undefined,
): { prepared: PreparedQuery[]; skipped: SkippedQuery[] } {
  const prepared: PreparedQuery[] = [];
  const skipped: SkippedQuery[] = [];
  const skip = (query: AdvisableQuery, kind: SkipKind, reason: string) =>
    skipped.push({ key: query.key, query: query.query, kind, reason });
  for (const query of queries) {
    let tree: ParseTree;
    try {
      tree = parser.parse(query.query);
    } catch (error) {
      skip(query, 'unparsable', `unparsable: ${(error as Error).message}`);
      continue;
    }
    const type = statementType(tree);
    if (type === undefined || !PLANNABLE.includes(type)) {
      // Utility statements (BEGIN, SET, EXPLAIN, the advisor's own PREPAREs) are no workload.
      if (type !== undefined && WRITES.includes(type)) {
        const what = type.replace(/Stmt$/, '').toUpperCase();
        skip(
          query,
          'not-indexable',
          `not indexable: an ${what}; only SELECT, UPDATE and DELETE read through an index`,
        );
      }
      continue;
    }
    // A statement that reads no table, or only the system catalogs (the advisor's own hypopg calls
    // among them), is nobody's workload.
    if (!readsUserTable(tree)) continue;
    const uses = extractTableUses(tree, catalog);
    if (uses.length === 0) {
      skip(
        query,
        'nothing-to-index',
        'nothing to index: no filter, join or ORDER BY on a plain column of a table',
      );
      continue;
    }
    const sample = sampleText(query, parser);
    prepared.push({
      ...query,
      uses,
      planText: sample ?? planningText(query.query, tree),
      unboundPattern: sample === undefined && unboundPattern(tree),
    });
  }
  return { prepared, skipped };
}
