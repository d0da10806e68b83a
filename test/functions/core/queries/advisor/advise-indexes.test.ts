import { createSqlParser } from '../../../../../functions/adapters/postgres/sql-parser';
import {
  adviseIndexes,
  type HypotheticalPlanner,
} from '../../../../../functions/core/queries/advisor/advise-indexes';
import type { SqlParser } from '../../../../../functions/core/queries/sql-parser-port';

let parser: SqlParser;
beforeAll(async () => {
  parser = await createSqlParser();
});

/** A planner whose costs drop only when an index leads with the query's filter column. */
function fakePlanner(calls: Array<{ queries: readonly string[]; indexes: string[] }>): HypotheticalPlanner {
  return {
    async costs(queries, indexes) {
      calls.push({ queries, indexes: indexes.map((i) => `${i.table}(${i.columns.join(',')})`) });
      return queries.map((q) => {
        if (q.includes('broken')) return { error: 'could not determine data type of parameter $1' };
        const column = /WHERE (\w+) =/.exec(q)?.[1];
        return { cost: indexes.some((i) => i.columns[0] === column) ? 10 : 1000 };
      });
    },
  };
}

describe('adviseIndexes', () => {
  it('costs the workload, then each candidate on the plannable queries of its table, and reports what it skipped', async () => {
    const calls: Array<{ queries: readonly string[]; indexes: string[] }> = [];
    const advice = await adviseIndexes(
      [
        { key: '1', query: 'SELECT * FROM t WHERE a = $1', calls: 100, meanMs: 30 },
        { key: '2', query: 'SELECT * FROM u WHERE broken = $1', calls: 100, meanMs: 30 },
        { key: '3', query: 'SELEC nonsense', calls: 100, meanMs: 30 },
        { key: '4', query: 'BEGIN', calls: 100, meanMs: 30 },
      ],
      [],
      { parser, planner: fakePlanner(calls) },
    );
    expect(advice.recommendations).toEqual([
      expect.objectContaining({
        table: 'public.t',
        columns: ['a'],
        costBefore: 1000,
        costAfter: 10,
        queries: ['SELECT * FROM t WHERE a = $1'],
      }),
    ]);
    expect(advice.skipped.map((s) => [s.key, s.reason.split(':')[0]])).toEqual([
      ['3', 'unparsable'],
      ['2', 'cannot plan'],
    ]);
    expect(calls[0]?.indexes).toEqual([]);
    // The unplannable query's table has no plannable query left, so its candidate is never tried.
    expect(calls.slice(1).map((c) => c.indexes)).toEqual([['public.t(a)']]);
  });
});
