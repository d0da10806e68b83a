import type { ClientBase, QueryConfig } from 'pg';
import type { HypotheticalPlanner, PlanCost } from '../../core/queries/advisor/advise-indexes';
import { type CandidateIndex, createIndexSql } from '../../core/queries/advisor/candidates';
import { maskLiterals } from '../../core/queries/literal-mask';
import { sqlState } from './errors';
import { ensureHypopg } from './extensions';

const STATEMENT = 'misybot_advisor_plan';

/** Options for {@link HypopgPlanner}. */
export interface HypopgPlannerOptions {
  /** Per-statement limit while planning. Default 10 s. */
  readonly statementTimeoutMs?: number;
}

/**
 * pg 8 supports `queryMode: 'extended'` (one Parse/Bind/Execute, so exactly one statement), but
 * @types/pg does not declare it.
 */
function extended(text: string): QueryConfig {
  return { text, queryMode: 'extended' } as QueryConfig;
}

function parameterCount(query: string): number {
  const masked = maskLiterals(query);
  if (masked) return masked.maxParameter;
  let max = 0;
  for (const found of query.matchAll(/\$(\d+)/g)) max = Math.max(max, Number(found[1]));
  return max;
}

function totalCost(rows: Array<Record<string, unknown>>): number {
  const plan = (rows[0]?.['QUERY PLAN'] as Array<{ Plan: { 'Total Cost': number } }> | undefined)?.[0]?.Plan;
  if (!plan) throw new Error('EXPLAIN returned no plan');
  return plan['Total Cost'];
}

/**
 * Costs queries with hypopg's hypothetical indexes. Everything runs in a READ ONLY transaction, so
 * no real index can be created even by accident; hypothetical indexes outlive a rollback, so
 * `hypopg_reset()` runs before and after every batch. `$n` queries get generic plans: on
 * PostgreSQL 16+ with `EXPLAIN (GENERIC_PLAN)`, on 15 with PREPARE + `plan_cache_mode =
 * force_generic_plan` + `EXPLAIN EXECUTE` with NULL arguments (the NULLs are never looked at, since
 * a forced generic plan is built without them). Use a dedicated client: hypopg state is per session.
 */
export class HypopgPlanner implements HypotheticalPlanner {
  private version: number | undefined;

  constructor(
    private readonly client: ClientBase,
    private readonly options: HypopgPlannerOptions = {},
  ) {}

  /** @throws {MissingExtensionError} when hypopg is not created or not installed. */
  async ensureAvailable(): Promise<void> {
    await ensureHypopg(this.client);
  }

  async costs(queries: readonly string[], indexes: readonly CandidateIndex[]): Promise<PlanCost[]> {
    await this.ensureAvailable();
    this.version ??= Number((await this.client.query('SHOW server_version_num')).rows[0].server_version_num);
    const results: PlanCost[] = [];
    await this.client.query('BEGIN READ ONLY');
    try {
      await this.client.query('SELECT hypopg_reset()');
      await this.client.query("SET LOCAL plan_cache_mode = 'force_generic_plan'");
      await this.client.query(
        `SET LOCAL statement_timeout = ${Math.trunc(this.options.statementTimeoutMs ?? 10_000)}`,
      );
      for (const index of indexes) {
        const sql = createIndexSql(index, false);
        try {
          await this.client.query('SELECT indexrelid FROM hypopg_create_index($1)', [sql]);
        } catch (error) {
          // An index the server refuses (an operator class the column's type lacks) proves nothing.
          const message = `cannot create the hypothetical index ${sql}: ${(error as Error).message}`;
          return queries.map(() => ({ error: message }));
        }
      }
      for (const query of queries) results.push(await this.explain(query));
    } finally {
      await this.client.query('ROLLBACK').catch(() => undefined);
      await this.client.query('SELECT hypopg_reset()');
    }
    return results;
  }

  /**
   * Plans one query. A parameter whose type nothing in the statement determines (`SELECT $1`, a
   * number `LIMIT`ed away, a `CASE` of parameters) makes PREPARE fail with 42P18 naming it; such
   * a parameter is declared `text` and the query planned again, once per parameter at most.
   */
  private async explain(query: string): Promise<PlanCost> {
    const parameters = parameterCount(query);
    const types: string[] = Array.from({ length: parameters }, () => 'unknown');
    for (;;) {
      let prepared = false;
      await this.client.query('SAVEPOINT misybot_advisor');
      try {
        const rows = await this.plan(query, types, () => {
          prepared = true;
        });
        await this.client.query('RELEASE SAVEPOINT misybot_advisor');
        return { cost: totalCost(rows) };
      } catch (error) {
        await this.client.query('ROLLBACK TO SAVEPOINT misybot_advisor');
        const undetermined = undeterminedParameter(error);
        if (undetermined !== undefined && types[undetermined - 1] === 'unknown') {
          types[undetermined - 1] = 'text';
          continue;
        }
        return { error: (error as Error).message };
      } finally {
        // PREPARE is not transactional: the rollback above does not remove it.
        if (prepared) await this.client.query(`DEALLOCATE ${STATEMENT}`);
      }
    }
  }

  private async plan(
    query: string,
    types: readonly string[],
    onPrepared: () => void,
  ): Promise<Array<Record<string, unknown>>> {
    const declared = types.some((type) => type !== 'unknown');
    if (types.length === 0 || (this.version! >= 160000 && !declared)) {
      const options = types.length === 0 ? 'FORMAT JSON' : 'FORMAT JSON, GENERIC_PLAN';
      // The extended protocol accepts exactly one statement: a query text cannot smuggle a second.
      return (await this.client.query(extended(`EXPLAIN (${options}) ${query}`))).rows;
    }
    const signature = declared ? ` (${types.join(', ')})` : '';
    await this.client.query(extended(`PREPARE ${STATEMENT}${signature} AS ${query}`));
    onPrepared();
    const nulls = types.map(() => 'NULL').join(', ');
    return (await this.client.query(`EXPLAIN (FORMAT JSON) EXECUTE ${STATEMENT}(${nulls})`)).rows;
  }
}

/** The `$n` of "could not determine data type of parameter $n" (SQLSTATE 42P18). */
function undeterminedParameter(error: unknown): number | undefined {
  if (sqlState(error) !== '42P18') return undefined;
  const found = /parameter \$(\d+)/.exec((error as Error).message);
  return found ? Number(found[1]) : undefined;
}
