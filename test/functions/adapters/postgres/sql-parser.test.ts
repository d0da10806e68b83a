import { createSqlParser } from '../../../../functions/adapters/postgres/sql-parser';
import { SqlSyntaxError } from '../../../../functions/core/queries/sql-parser-port';

describe('createSqlParser', () => {
  it('normalises, fingerprints and parses with the Postgres grammar', async () => {
    const parser = await createSqlParser();
    expect(parser.normalize("SELECT * FROM t WHERE a = 5 AND b = 'x'")).toBe(
      'SELECT * FROM t WHERE a = $1 AND b = $2',
    );
    expect(parser.fingerprint('SELECT * FROM t WHERE a = 5')).toBe(
      parser.fingerprint('select *  from t where a = 99'),
    );
    expect(parser.fingerprint('SELECT * FROM t WHERE a = 5')).toMatch(/^[0-9a-f]{16}$/);
    expect(parser.parse('SELECT 1').stmts[0]?.stmt).toHaveProperty('SelectStmt');
  });

  it('throws SqlSyntaxError with the position Postgres points at', async () => {
    const parser = await createSqlParser();
    const error = (() => {
      try {
        parser.parse('SELECT FROM WHERE ,');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SqlSyntaxError);
    expect(error).toMatchObject({ name: 'SqlSyntaxError', position: expect.any(Number) });
    expect((error as Error).cause).toBeDefined();
  });
});
