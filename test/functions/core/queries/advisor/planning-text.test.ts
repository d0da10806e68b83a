import { createSqlParser } from '../../../../../functions/adapters/postgres/sql-parser';
import { ASSUMED_LIMIT, planningText } from '../../../../../functions/core/queries/advisor/planning-text';
import type { SqlParser } from '../../../../../functions/core/queries/sql-parser-port';

let parser: SqlParser;
beforeAll(async () => {
  parser = await createSqlParser();
});

const plan = (sql: string) => planningText(sql, parser.parse(sql));

describe('planningText', () => {
  it.each([
    ['interval $1', "now() - interval '1 hour'", 'now() - $1::interval'],
    ['date $1', "created_at >= date '2024-06-01'", 'created_at >= $1::date'],
    ['timestamp $1', "created_at > timestamp '2024-05-31 23:00'", 'created_at > $1::timestamp'],
    ['timestamp with time zone $1', "t > timestamp with time zone '…'", 't > $1::timestamp with time zone'],
    ['double precision $1', "x = double precision '1.5'", 'x = $1::double precision'],
    ['numeric(5,2) $1', "x = numeric(5,2) '1.5'", 'x = $1::numeric(5,2)'],
    ['interval $1 hour', "d < interval '3' hour", 'd < $1::interval hour'],
    ['a schema-qualified type', "x = pg_catalog.int4 '5'", 'x = $1::pg_catalog.int4'],
  ])(
    'rewrites the typed literal %s pg_stat_statements leaves behind into a cast',
    (_name, literal, expected) => {
      const normalised = parser.normalize(`SELECT * FROM t WHERE ${literal}`);
      expect(plan(normalised)).toBe(`SELECT * FROM t WHERE ${expected}`);
    },
  );

  it('keeps every other parameter and cast as written', () => {
    const sql = 'SELECT $1::text, * FROM t WHERE a = $2 AND b = ANY($3) AND c = CAST($4 AS int)';
    expect(plan(sql)).toBe(sql);
  });

  it('plans LIMIT $n as a page, in subqueries too, and leaves OFFSET alone', () => {
    expect(plan('SELECT * FROM t ORDER BY a LIMIT $1 OFFSET $2')).toBe(
      `SELECT * FROM t ORDER BY a LIMIT ${ASSUMED_LIMIT} OFFSET $2`,
    );
    expect(plan('SELECT * FROM (SELECT * FROM t ORDER BY b DESC LIMIT $1) s WHERE c = $2')).toBe(
      `SELECT * FROM (SELECT * FROM t ORDER BY b DESC LIMIT ${ASSUMED_LIMIT}) s WHERE c = $2`,
    );
    expect(plan('SELECT * FROM t FETCH FIRST $1 ROWS ONLY')).toBe(
      `SELECT * FROM t FETCH FIRST ${ASSUMED_LIMIT} ROWS ONLY`,
    );
  });

  it('cuts at byte offsets, so text with multi-byte characters before a parameter stays intact', () => {
    const sql = "SELECT 'héllo €' AS x FROM t WHERE d > date $1 LIMIT $2";
    expect(plan(sql)).toBe(`SELECT 'héllo €' AS x FROM t WHERE d > $1::date LIMIT ${ASSUMED_LIMIT}`);
  });

  it('parses after the rewrite where the normalised text fails the server grammar', () => {
    const normalised = parser.normalize(
      "SELECT id FROM messages WHERE tenant_id = 5 AND created_at > now() - interval '1 day' ORDER BY created_at DESC LIMIT 50",
    );
    expect(normalised).toContain('interval $2');
    expect(plan(normalised)).toBe(
      `SELECT id FROM messages WHERE tenant_id = $1 AND created_at > now() - $2::interval ORDER BY created_at DESC LIMIT ${ASSUMED_LIMIT}`,
    );
  });
});
