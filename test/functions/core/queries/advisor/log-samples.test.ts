import { createSqlParser } from '../../../../../functions/adapters/postgres/sql-parser';
import {
  bindLoggedParameters,
  parseLoggedParameters,
  samplesFromLog,
} from '../../../../../functions/core/queries/advisor/log-samples';
import type { LogWorkload } from '../../../../../functions/core/queries/log-aggregate';
import type { SqlParser } from '../../../../../functions/core/queries/sql-parser-port';

let parser: SqlParser;
beforeAll(async () => {
  parser = await createSqlParser();
});

describe('log samples', () => {
  it('reads logged bind parameters, quotes doubled and NULLs included', () => {
    expect(parseLoggedParameters("$1 = '42', $2 = 'it''s', $3 = NULL")).toEqual(
      new Map([
        [1, "'42'"],
        [2, "'it''s'"],
        [3, 'NULL'],
      ]),
    );
    expect(parseLoggedParameters('not parameters')).toBeUndefined();
  });

  it('binds each $n to its logged literal, leaving $n inside strings alone', () => {
    expect(
      bindLoggedParameters(
        "SELECT '$1 é' AS x FROM users WHERE username LIKE $1 AND id = ANY($2) LIMIT $3",
        "$1 = 'ab%', $2 = '{1,2}', $3 = '20'",
        parser,
      ),
    ).toBe("SELECT '$1 é' AS x FROM users WHERE username LIKE 'ab%' AND id = ANY('{1,2}') LIMIT '20'");
  });

  it('returns a literal statement as it is, and nothing when a parameter has no logged value', () => {
    expect(bindLoggedParameters('SELECT 1 FROM t WHERE a = 5', undefined, parser)).toBe(
      'SELECT 1 FROM t WHERE a = 5',
    );
    expect(
      bindLoggedParameters('SELECT * FROM t WHERE a = $1 AND b = $2', "$1 = '1'", parser),
    ).toBeUndefined();
    expect(bindLoggedParameters('SELECT * FROM t WHERE a = $1', undefined, parser)).toBeUndefined();
    expect(bindLoggedParameters('SELEC broken', undefined, parser)).toBeUndefined();
  });

  it("keys each query's slowest execution by fingerprint, which matches its normalised text", () => {
    const workload = {
      statements: 1,
      rejected: { count: 0, samples: [] },
      queries: [
        {
          fingerprint: parser.fingerprint("SELECT * FROM users WHERE username LIKE 'x%'"),
          query: 'SELECT * FROM users WHERE username LIKE $1',
          calls: 1,
          totalMs: 1,
          meanMs: 1,
          maxMs: 1,
          p95Ms: 1,
          p95RelativeError: 0,
          slowest: {
            line: 3,
            statement: 'SELECT * FROM users WHERE username LIKE $1',
            parameters: "$1 = 'ab%'",
          },
        },
      ],
    } satisfies LogWorkload;
    const samples = samplesFromLog(workload, parser);
    expect(samples.get(parser.fingerprint('SELECT * FROM users WHERE username LIKE $1'))).toBe(
      "SELECT * FROM users WHERE username LIKE 'ab%'",
    );
  });
});
