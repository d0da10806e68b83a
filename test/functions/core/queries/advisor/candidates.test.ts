import { createSqlParser } from '../../../../../functions/adapters/postgres/sql-parser';
import {
  candidatesFor,
  createIndexSql,
  equalityFrequency,
  isCovered,
} from '../../../../../functions/core/queries/advisor/candidates';
import { extractTableUses } from '../../../../../functions/core/queries/advisor/predicates';
import type { IndexInfo } from '../../../../../functions/core/queries/index-health';
import type { SqlParser } from '../../../../../functions/core/queries/sql-parser-port';

let parser: SqlParser;
beforeAll(async () => {
  parser = await createSqlParser();
});

const index = (table: string, columns: string[], overrides: Partial<IndexInfo> = {}): IndexInfo => ({
  schema: 'public',
  table,
  name: `${table}_${columns.join('_')}`,
  columns,
  unique: false,
  primary: false,
  method: 'btree',
  predicate: null,
  valid: true,
  sizeBytes: 8192,
  scans: 1,
  definition: '',
  ...overrides,
});

const uses = (sql: string) => extractTableUses(parser.parse(sql));

describe('extractTableUses', () => {
  it('finds equality, range, join and ORDER BY columns through aliases', () => {
    expect(
      uses(
        'SELECT * FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.status = $1 AND o.created_at > $2 ORDER BY o.created_at',
      ),
    ).toEqual([
      { table: 'public.customers', equality: [], range: [], join: ['id'], pattern: [], sort: [] },
      {
        table: 'public.orders',
        equality: ['status'],
        range: ['created_at'],
        join: ['customer_id'],
        pattern: [],
        sort: ['created_at'],
      },
    ]);
  });

  it('reads UPDATE/DELETE, IN, BETWEEN, IS NULL, subqueries and CTEs, and ignores OR branches', () => {
    expect(uses('UPDATE s.t SET b = $1 WHERE a IN ($2, $3) AND c BETWEEN $4 AND $5 AND d IS NULL')).toEqual([
      { table: 's.t', equality: ['a', 'd'], range: ['c'], join: [], pattern: [], sort: [] },
    ]);
    expect(uses('DELETE FROM t WHERE a = $1 OR b = $2')).toEqual([]);
    expect(
      uses('WITH x AS (SELECT * FROM s WHERE k = $1) SELECT * FROM x WHERE x.v = 1').map((u) => u.table),
    ).toEqual(['public.s']);
    expect(uses('SELECT * FROM a WHERE id IN (SELECT a_id FROM b WHERE z = $1)').map((u) => u.table)).toEqual(
      ['public.b'],
    );
  });

  it('takes LIKE on a parameter or a prefix as a pattern column, but not a leading wildcard, ILIKE or NOT LIKE', () => {
    const [use] = uses(
      "SELECT * FROM t WHERE a LIKE $1 AND b LIKE 'ab%' AND c LIKE '%ab' AND d ILIKE 'ab%' AND e NOT LIKE 'ab%'",
    );
    expect(use?.pattern).toEqual(['a', 'b']);
  });

  it('resolves ORDER BY ordinals to the output column they name', () => {
    expect(uses('SELECT id, created_at FROM t WHERE a = $1 ORDER BY 2 DESC')[0]?.sort).toEqual([
      'created_at',
    ]);
  });

  it('ignores a column wrapped in a cast or function, which a plain index cannot serve', () => {
    expect(uses('SELECT * FROM t WHERE lower(email) = $1 AND created_at::date = $2')).toEqual([]);
  });

  it('resolves unqualified columns of a join with the catalog', () => {
    const catalog = {
      columns: new Map([
        ['public.a', ['id', 'x']],
        ['public.b', ['id', 'y']],
      ]),
    };
    const found = extractTableUses(
      parser.parse('SELECT * FROM a JOIN b ON a.id = b.id WHERE y = $1'),
      catalog,
    );
    expect(found.find((u) => u.table === 'public.b')?.equality).toEqual(['y']);
  });
});

describe('candidatesFor', () => {
  it('puts equality columns first, then one range column, then ORDER BY, plus single columns', () => {
    const [use] = uses('SELECT * FROM t WHERE b > $1 AND a = $2 ORDER BY c');
    const found = candidatesFor(use!, equalityFrequency([use!]), []).map((c) => c.columns);
    expect(found).toEqual([['a'], ['a', 'b'], ['b'], ['c']]);
    const [sorted] = uses('SELECT * FROM t WHERE a = $1 ORDER BY c');
    expect(candidatesFor(sorted!, new Map(), []).map((c) => c.columns)).toEqual([['a'], ['a', 'c'], ['c']]);
  });

  it('leads with the most selective equality column when the planner has statistics', () => {
    const [use] = uses('SELECT * FROM t WHERE kind = $1 AND tenant_id = $2');
    const catalog = {
      columns: new Map([['public.t', ['kind', 'tenant_id']]]),
      distinct: new Map([
        ['public.t.kind', 25],
        ['public.t.tenant_id', 200],
      ]),
    };
    expect(candidatesFor(use!, equalityFrequency([use!]), [], catalog)[0]?.columns).toEqual([
      'tenant_id',
      'kind',
    ]);
  });

  it('proposes a pattern column with and without text_pattern_ops, after the equality columns', () => {
    const [use] = uses('SELECT * FROM t WHERE name LIKE $1 AND tenant_id = $2');
    const found = candidatesFor(use!, new Map(), []).map((c) => createIndexSql(c, false));
    expect(found).toEqual([
      'CREATE INDEX ON public.t (tenant_id)',
      'CREATE INDEX ON public.t (tenant_id, name)',
      'CREATE INDEX ON public.t (tenant_id, name text_pattern_ops)',
      'CREATE INDEX ON public.t (name)',
      'CREATE INDEX ON public.t (name text_pattern_ops)',
    ]);
  });

  it('leads with the equality column the workload looks up most often without statistics', () => {
    const workload = [
      ...uses('SELECT * FROM t WHERE a = $1 AND b = $2'),
      ...uses('SELECT * FROM t WHERE b = $1'),
    ];
    expect(candidatesFor(workload[0]!, equalityFrequency(workload), [])[0]?.columns).toEqual(['b', 'a']);
  });

  it('skips candidates an existing index covers as a prefix, but not a partial or non-btree one', () => {
    const [use] = uses('SELECT * FROM t WHERE a = $1 AND b = $2');
    expect(candidatesFor(use!, new Map(), [index('t', ['a', 'b', 'c'])])).toEqual([]);
    const [sorted] = uses('SELECT * FROM t WHERE a = $1 ORDER BY c');
    expect(candidatesFor(sorted!, new Map(), [index('t', ['a'])]).map((c) => c.columns)).toEqual([
      ['a', 'c'],
      ['c'],
    ]);
    expect(
      isCovered({ table: 'public.t', columns: ['a'] }, [index('t', ['a'], { predicate: 'b > 0' })]),
    ).toBe(false);
    expect(isCovered({ table: 'public.t', columns: ['a'] }, [index('t', ['a'], { method: 'hash' })])).toBe(
      false,
    );
    expect(isCovered({ table: 'public.t', columns: ['b'] }, [index('t', ['a', 'b'])])).toBe(false);
  });

  it('writes CREATE INDEX CONCURRENTLY with identifiers quoted only when needed', () => {
    expect(createIndexSql({ table: 'public.Orders', columns: ['customer_id', 'Created At'] })).toBe(
      'CREATE INDEX CONCURRENTLY ON public."Orders" (customer_id, "Created At")',
    );
  });
});
