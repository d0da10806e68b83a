import fc from 'fast-check';
import { createSqlParser } from '../../../../functions/adapters/postgres/sql-parser';
import { maskLiterals } from '../../../../functions/core/queries/literal-mask';
import type { SqlParser } from '../../../../functions/core/queries/sql-parser-port';
import { isRejected, StatementClassifier } from '../../../../functions/core/queries/statement-classifier';

let parser: SqlParser;
beforeAll(async () => {
  parser = await createSqlParser();
});

const literal = fc.oneof(
  fc.integer({ min: -100000, max: 100000 }).map(String),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((n) => n.toFixed(3)),
  fc.string({ maxLength: 8 }).map((s) => `'${s.replace(/'/g, "''").replace(/\\/g, '')}'`),
);
const template = fc.constantFrom(
  (a: string, b: string) => `SELECT * FROM t1 WHERE a = ${a} AND b > ${b}`,
  (a: string, b: string) => `UPDATE acc SET bal = bal + ${a} WHERE id = ${b};`,
  (a: string, b: string) => `SELECT x FROM "T 2" WHERE y IN (${a}, ${b}) -- note 5\nORDER BY 1 LIMIT ${a}`,
  (a: string, b: string) => `INSERT INTO h (a, b) VALUES (${a}, ${b}) /* 7 */`,
  (a: string, b: string) => `SELECT ${a}::numeric, 0 - ${b}, $1 FROM t WHERE c = $2`,
);

describe('StatementClassifier', () => {
  it('answers exactly what the Postgres parser answers, cached or not', () => {
    const classifier = new StatementClassifier(parser);
    fc.assert(
      fc.property(template, literal, literal, (make, a, b) => {
        const sql = make(a, b);
        let expected: object;
        try {
          expected = { fingerprint: parser.fingerprint(sql), normalized: parser.normalize(sql) };
        } catch (error) {
          expected = { error: (error as Error).message };
        }
        expect(classifier.classify(sql)).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('calls the parser once per query shape', () => {
    let calls = 0;
    const counting: SqlParser = {
      ...parser,
      normalize: (sql) => {
        calls += 1;
        return parser.normalize(sql);
      },
    };
    const classifier = new StatementClassifier(counting);
    for (let i = 0; i < 100; i += 1) classifier.classify(`UPDATE a SET b = b + ${i - 50} WHERE id = ${i}`);
    expect(calls).toBeLessThanOrEqual(2);
  });

  it('returns the parser error for a statement Postgres rejects', () => {
    const result = new StatementClassifier(parser).classify('SELEC 1');
    expect(isRejected(result) && result.error).toMatch(/syntax error at or near "SELEC"/);
  });
});

describe('maskLiterals', () => {
  it('blanks literals but not identifiers, parameters, quoted names or comments', () => {
    const masked = maskLiterals(`SELECT t1.a2 FROM "x 1" WHERE b = 'it''s' AND c = 3.5e-2 AND d = $4 -- 9`);
    expect(masked?.key).toBe(`SELECT t1.a2 FROM "x 1" WHERE b = \u0000 AND c = \u0000 AND d = $4 -- 9`);
    expect(masked).toMatchObject({ literals: 2, maxParameter: 4 });
  });

  it('gives up on dollar quoting and unterminated strings', () => {
    expect(maskLiterals('SELECT $$a$$')).toBeUndefined();
    expect(maskLiterals("SELECT 'abc")).toBeUndefined();
  });
});
