import { createSqlParser } from '../../../../../functions/adapters/postgres/sql-parser';
import {
  adviseIndexes,
  type HypotheticalPlanner,
} from '../../../../../functions/core/queries/advisor/advise-indexes';
import type { CandidateIndex } from '../../../../../functions/core/queries/advisor/candidates';
import type { SqlParser } from '../../../../../functions/core/queries/sql-parser-port';

let parser: SqlParser;
beforeAll(async () => {
  parser = await createSqlParser();
});

type Calls = Array<{ queries: readonly string[]; indexes: string[] }>;
const name = (index: CandidateIndex) => `${index.table}(${index.columns.join(',')})`;

/** A planner whose costs drop only when an index leads with the query's filter column. */
function fakePlanner(calls: Calls): HypotheticalPlanner {
  return {
    async costs(queries, indexes) {
      calls.push({ queries, indexes: indexes.map(name) });
      return queries.map((q) => {
        if (q.includes('broken')) return { error: 'could not determine data type of parameter $1' };
        const column = /WHERE (\w+) (=|LIKE)/.exec(q)?.[1];
        return { cost: indexes.some((i) => i.columns[0] === column) ? 10 : 1000 };
      });
    },
  };
}

const query = (key: string, sql: string, sample?: string) => ({
  key,
  query: sql,
  calls: 100,
  meanMs: 30,
  ...(sample ? { sample } : {}),
});

describe('adviseIndexes', () => {
  it('costs the workload, then each candidate on the plannable queries of its table, and reports what it left out and why', async () => {
    const calls: Calls = [];
    const advice = await adviseIndexes(
      [
        query('1', 'SELECT * FROM t WHERE a = $1'),
        query('2', 'SELECT * FROM u WHERE broken = $1'),
        query('3', 'SELEC nonsense'),
        query('4', 'BEGIN'),
        query('5', 'INSERT INTO t (a) VALUES ($1)'),
        query('6', 'SELECT count(*) FROM t'),
        // No table, or only the catalogs: nobody's workload, dropped without a word.
        query('7', 'SELECT hypopg_reset()'),
        query('8', 'SELECT * FROM pg_catalog.pg_extension WHERE extname = $1'),
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
    expect(advice.skipped.map((s) => [s.key, s.kind])).toEqual([
      ['3', 'unparsable'],
      ['5', 'not-indexable'],
      ['6', 'nothing-to-index'],
      ['2', 'cannot-plan'],
    ]);
    expect(advice.skipped.find((s) => s.key === '2')?.reason).toBe(
      'cannot plan: could not determine data type of parameter $1',
    );
    expect(calls[0]?.indexes).toEqual([]);
    // The unplannable query's table has no plannable query left, so its candidate is never tried.
    expect(calls.slice(1).map((c) => c.indexes)).toEqual([['public.t(a)']]);
  });

  it('hands the planner the rewritten text of a typed literal and a LIMIT, or the sample when there is one', async () => {
    const calls: Calls = [];
    await adviseIndexes(
      [
        query('1', 'SELECT * FROM t WHERE a = $1 AND d > now() - interval $2 ORDER BY d LIMIT $3'),
        query('2', 'SELECT * FROM t WHERE b = $1', "SELECT * FROM t WHERE b = 'x'"),
      ],
      [],
      { parser, planner: fakePlanner(calls) },
    );
    expect(calls[0]?.queries).toEqual([
      'SELECT * FROM t WHERE a = $1 AND d > now() - $2::interval ORDER BY d LIMIT 100',
      "SELECT * FROM t WHERE b = 'x'",
    ]);
  });

  it('says why it could not judge a LIKE on a parameter, unless a sample showed the pattern', async () => {
    const calls: Calls = [];
    const planner: HypotheticalPlanner = {
      // A generic plan never uses an index for LIKE $1; a literal prefix does.
      async costs(queries, indexes) {
        calls.push({ queries, indexes: indexes.map(name) });
        return queries.map((q) => ({ cost: q.includes("'ab%'") && indexes.length > 0 ? 10 : 1000 }));
      },
    };
    const advice = await adviseIndexes(
      [
        query('1', 'SELECT * FROM users WHERE name LIKE $1'),
        query('2', 'SELECT * FROM people WHERE name LIKE $1', "SELECT * FROM people WHERE name LIKE 'ab%'"),
      ],
      [],
      { parser, planner },
    );
    expect(advice.recommendations.map((r) => r.sql)).toEqual([
      'CREATE INDEX CONCURRENTLY ON public.people (name)',
    ]);
    expect(advice.skipped.map((s) => [s.key, s.kind])).toEqual([['1', 'pattern-unknown']]);
  });

  it('proposes the index on the other side of a join together with the one already chosen', async () => {
    const join =
      'SELECT a.url FROM messages m JOIN attachments a ON a.message_id = m.id WHERE m.conversation_id = $1';
    const planner: HypotheticalPlanner = {
      async costs(queries, indexes) {
        const has = (table: string, column: string) =>
          indexes.some((i) => i.table === `public.${table}` && i.columns[0] === column);
        return queries.map((q) => {
          if (!q.includes('JOIN')) return { cost: has('messages', 'conversation_id') ? 10 : 1000 };
          // Only both indexes together make the join cheap; the messages one alone halves it.
          const cost = has('messages', 'conversation_id')
            ? has('attachments', 'message_id')
              ? 20
              : 400
            : 1000;
          return { cost };
        });
      },
    };
    const advice = await adviseIndexes(
      [query('list', 'SELECT * FROM messages WHERE conversation_id = $1'), query('join', join)],
      [],
      { parser, planner },
    );
    const attachments = advice.recommendations.find((r) => r.table === 'public.attachments');
    expect(attachments).toMatchObject({
      columns: ['message_id'],
      queryKeys: ['join'],
      costBefore: 400,
      costAfter: 20,
      requires: ['CREATE INDEX CONCURRENTLY ON public.messages (conversation_id)'],
    });
    expect(attachments?.estimatedSavingsMs).toBeCloseTo((100 * 30 * (400 - 20)) / 1000);
    expect(advice.recommendations.find((r) => r.table === 'public.messages')?.queryKeys).toEqual([
      'list',
      'join',
    ]);
  });
});
