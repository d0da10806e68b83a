import type { ClientBase } from 'pg';
import { HypopgPlanner } from '../../../../functions/adapters/postgres/hypopg-planner';

/** Records every statement; answers the catalogue checks and EXPLAIN, fails what `fail` matches. */
function fakeClient(version: number, fail?: RegExp) {
  const log: string[] = [];
  const client = {
    async query(config: string | { text: string }) {
      const text = typeof config === 'string' ? config : config.text;
      log.push(text);
      if (fail?.test(text))
        throw Object.assign(new Error('could not determine data type of parameter $1'), { code: '42P18' });
      if (text.includes('pg_extension')) return { rows: [{ found: true }] };
      if (text.startsWith('SHOW server_version_num'))
        return { rows: [{ server_version_num: String(version) }] };
      if (text.startsWith('EXPLAIN')) return { rows: [{ 'QUERY PLAN': [{ Plan: { 'Total Cost': 42.5 } }] }] };
      return { rows: [] };
    },
  };
  return { client: client as unknown as ClientBase, log };
}

describe('HypopgPlanner', () => {
  it('on PostgreSQL 15 prepares $n queries and explains a forced generic plan, in a read-only transaction', async () => {
    const { client, log } = fakeClient(150004);
    const costs = await new HypopgPlanner(client).costs(
      ['SELECT * FROM t WHERE a = $1 AND b = $2'],
      [{ table: 'public.t', columns: ['a', 'b'] }],
    );
    expect(costs).toEqual([{ cost: 42.5 }]);
    const statements = log.filter((s) => !s.includes('pg_extension') && !s.startsWith('SHOW'));
    expect(statements).toEqual([
      'BEGIN READ ONLY',
      'SELECT hypopg_reset()',
      "SET LOCAL plan_cache_mode = 'force_generic_plan'",
      'SET LOCAL statement_timeout = 10000',
      'SELECT indexrelid FROM hypopg_create_index($1)',
      'SAVEPOINT misybot_advisor',
      'PREPARE misybot_advisor_plan AS SELECT * FROM t WHERE a = $1 AND b = $2',
      'EXPLAIN (FORMAT JSON) EXECUTE misybot_advisor_plan(NULL, NULL)',
      'RELEASE SAVEPOINT misybot_advisor',
      'DEALLOCATE misybot_advisor_plan',
      'ROLLBACK',
      'SELECT hypopg_reset()',
    ]);
  });

  it('uses EXPLAIN (GENERIC_PLAN) on PostgreSQL 16+', async () => {
    const { client, log } = fakeClient(160002);
    await new HypopgPlanner(client).costs(['SELECT * FROM t WHERE a = $1'], []);
    expect(log).toContain('EXPLAIN (FORMAT JSON, GENERIC_PLAN) SELECT * FROM t WHERE a = $1');
  });

  it('reports a query it cannot plan, rolls back to the savepoint and still resets hypopg', async () => {
    const { client, log } = fakeClient(150004, /^EXPLAIN/);
    const costs = await new HypopgPlanner(client).costs(['SELECT $1'], []);
    expect(costs).toEqual([{ error: 'could not determine data type of parameter $1' }]);
    expect(log.slice(-4)).toEqual([
      'ROLLBACK TO SAVEPOINT misybot_advisor',
      'DEALLOCATE misybot_advisor_plan',
      'ROLLBACK',
      'SELECT hypopg_reset()',
    ]);
  });

  it('answers every query with the error when the server refuses a hypothetical index, and still resets hypopg', async () => {
    const { client, log } = fakeClient(150004, /hypopg_create_index/);
    const costs = await new HypopgPlanner(client).costs(
      ['SELECT 1', 'SELECT 2'],
      [{ table: 'public.t', columns: ['a'], operatorClasses: { a: 'text_pattern_ops' } }],
    );
    expect(costs).toEqual([
      {
        error: expect.stringMatching(
          /^cannot create the hypothetical index CREATE INDEX ON public\.t \(a text_pattern_ops\): /,
        ),
      },
      { error: expect.stringMatching(/^cannot create the hypothetical index/) },
    ]);
    expect(log.slice(-2)).toEqual(['ROLLBACK', 'SELECT hypopg_reset()']);
  });

  it('declares a parameter the statement leaves untyped as text and plans again, once per parameter', async () => {
    const log: string[] = [];
    const client = {
      async query(config: string | { text: string }) {
        const text = typeof config === 'string' ? config : config.text;
        log.push(text);
        if (text.includes('pg_extension')) return { rows: [{ found: true }] };
        if (text.startsWith('SHOW server_version_num')) return { rows: [{ server_version_num: '160002' }] };
        // $2 has no type until declared; $3 never gets one (the error repeats).
        if (
          text.startsWith('EXPLAIN (FORMAT JSON, GENERIC_PLAN)') ||
          text === 'PREPARE misybot_advisor_plan (unknown, text, unknown) AS SELECT $1, $2 FROM t LIMIT $3'
        )
          throw Object.assign(
            new Error(`could not determine data type of parameter $${text.startsWith('PREPARE') ? 3 : 2}`),
            { code: '42P18' },
          );
        if (text.startsWith('EXPLAIN')) return { rows: [{ 'QUERY PLAN': [{ Plan: { 'Total Cost': 7 } }] }] };
        return { rows: [] };
      },
    } as unknown as ClientBase;
    const costs = await new HypopgPlanner(client).costs(['SELECT $1, $2 FROM t LIMIT $3'], []);
    expect(costs).toEqual([{ cost: 7 }]);
    expect(log.filter((s) => /^(PREPARE|EXPLAIN|DEALLOCATE)/.test(s))).toEqual([
      'EXPLAIN (FORMAT JSON, GENERIC_PLAN) SELECT $1, $2 FROM t LIMIT $3',
      // A PREPARE that failed prepared nothing: nothing to deallocate.
      'PREPARE misybot_advisor_plan (unknown, text, unknown) AS SELECT $1, $2 FROM t LIMIT $3',
      'PREPARE misybot_advisor_plan (unknown, text, text) AS SELECT $1, $2 FROM t LIMIT $3',
      'EXPLAIN (FORMAT JSON) EXECUTE misybot_advisor_plan(NULL, NULL, NULL)',
      'DEALLOCATE misybot_advisor_plan',
    ]);
  });

  it('gives up on a parameter that stays untyped after being declared', async () => {
    const { client } = fakeClient(150004, /^PREPARE/);
    expect(await new HypopgPlanner(client).costs(['SELECT $1'], [])).toEqual([
      { error: 'could not determine data type of parameter $1' },
    ]);
  });
});
