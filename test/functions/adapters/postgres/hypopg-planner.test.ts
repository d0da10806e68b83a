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

  it('resets hypopg even when creating a hypothetical index fails', async () => {
    const { client, log } = fakeClient(150004, /hypopg_create_index/);
    await expect(
      new HypopgPlanner(client).costs(['SELECT 1'], [{ table: 'public.t', columns: ['a'] }]),
    ).rejects.toThrow();
    expect(log.slice(-2)).toEqual(['ROLLBACK', 'SELECT hypopg_reset()']);
  });
});
