import fc from 'fast-check';
import { UnknownLogFormatError } from '../../../../../functions/core/queries/log/detect-format';
import { createLogParser } from '../../../../../functions/core/queries/log/log-parser';
import type { LogEntry } from '../../../../../functions/core/queries/log/log-types';

const P = '2024-03-01 10:00:00 UTC:10.0.0.7(51234):app@shop:[42]:';
const STDERR = [
  `${P}LOG:  duration: 12.500 ms  statement: SELECT *`,
  '\t  FROM orders',
  '\t  WHERE id = 5',
  `${P}LOG:  duration: 0.100 ms  parse <unnamed>: SELECT * FROM t WHERE a = $1`,
  `${P}LOG:  duration: 0.200 ms  bind <unnamed>: SELECT * FROM t WHERE a = $1`,
  `${P}DETAIL:  parameters: $1 = '5'`,
  `${P}LOG:  duration: 3.000 ms  execute <unnamed>: SELECT * FROM t WHERE a = $1`,
  `${P}DETAIL:  parameters: $1 = '5'`,
  `${P}LOG:  checkpoint starting: time`,
  '',
].join('\n');

function parseAll(text: string, format: 'auto' | 'stderr' | 'csvlog' | 'jsonlog' = 'auto', prefix?: string) {
  const parser = createLogParser({ format, ...(prefix ? { prefix } : {}) });
  const entries = [...parser.push(text), ...parser.end()];
  return { entries, unparsed: parser.unparsed };
}

describe('createLogParser: stderr', () => {
  it('joins tab-continued lines, keeps extended-protocol steps and attaches parameters', () => {
    const { entries, unparsed } = parseAll(STDERR);
    expect(unparsed.count).toBe(0);
    expect(entries.map((e) => [e.line, e.kind, e.durationMs])).toEqual([
      [1, 'statement', 12.5],
      [4, 'parse', 0.1],
      [5, 'bind', 0.2],
      [7, 'execute', 3],
    ]);
    expect(entries[0]?.statement).toBe('SELECT *\n  FROM orders\n  WHERE id = 5');
    expect(entries[3]).toMatchObject({
      statementName: '<unnamed>',
      parameters: "$1 = '5'",
      user: 'app',
      database: 'shop',
    });
  });

  it('gives the same entries however the text is chunked', () => {
    const whole = parseAll(STDERR).entries;
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: STDERR.length - 1 }), { maxLength: 12 }),
        (cuts) => {
          const parser = createLogParser({ format: 'stderr', prefix: '%t:%r:%u@%d:[%p]:' });
          const points = [0, ...cuts.sort((a, b) => a - b), STDERR.length];
          const out: LogEntry[] = [];
          for (let i = 1; i < points.length; i += 1)
            out.push(...parser.push(STDERR.slice(points[i - 1], points[i])));
          out.push(...parser.end());
          expect(out).toEqual(whole);
        },
      ),
    );
  });

  it('pairs log_statement lines with the bare log_duration line of the same backend', () => {
    const text = [`${P}LOG:  statement: UPDATE t SET a = 1`, `${P}LOG:  duration: 4.000 ms`, ''].join('\n');
    expect(parseAll(text).entries).toMatchObject([
      { kind: 'statement', durationMs: 4, statement: 'UPDATE t SET a = 1' },
    ]);
  });

  it('counts truncated lines and binary garbage as unparsed, with their line numbers', () => {
    const text = [
      `${P}LOG:  duration: 1.000 ms  statement: SELECT 1`,
      `${P}LOG:  duration: 2.0`,
      '\u0000\u0001\u00ff\ufffd\ufffd garbage',
      '2024-03-01 10:00:00 UTC:10.0',
      `${P}LOG:  duration: 3.000 ms  statement: SELECT 2`,
      '',
    ].join('\n');
    const { entries, unparsed } = parseAll(text);
    expect(entries.map((e) => e.statement)).toEqual(['SELECT 1', 'SELECT 2']);
    expect(unparsed.count).toBe(3);
    // A record is judged when the next one starts, so line 2 is reported after lines 3 and 4.
    expect(unparsed.samples.map((s) => s.line).sort((a, b) => a - b)).toEqual([2, 3, 4]);
    const sample = unparsed.samples.find((s) => s.line === 3)?.text ?? '';
    expect(sample.includes('\u0000') || sample.includes('\u0001')).toBe(false);
    expect(sample).toContain('garbage');
  });

  it('detects the pgBadger-style prefix when none is given', () => {
    const line =
      '2024-03-01 10:00:00 UTC [123]: [5-1] user=bob,db=shop,app=psql,client=10.1.1.1 LOG:  duration: 2.000 ms  statement: SELECT 1\n';
    expect(parseAll(line.repeat(3)).entries).toHaveLength(3);
  });
});

describe('createLogParser: csvlog and jsonlog', () => {
  const csv =
    '2024-03-01 10:00:00.123 UTC,"app","shop",42,"10.0.0.7:5000",65e1.2a,3,"SELECT",2024-03-01 10:00:00 UTC,3/1,0,LOG,00000,' +
    '"duration: 5.000 ms  execute <unnamed>: SELECT ""x""\nFROM t\nWHERE a = $1","parameters: $1 = \'7\'",,,,,,,,"psql","client backend",,0\n';

  it('reads RFC 4180 records with embedded newlines and doubled quotes', () => {
    const { entries, unparsed } = parseAll(csv + csv);
    expect(unparsed.count).toBe(0);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      line: 1,
      kind: 'execute',
      statement: 'SELECT "x"\nFROM t\nWHERE a = $1',
      parameters: "$1 = '7'",
      application: 'psql',
    });
    expect(entries[1]?.line).toBe(4);
  });

  it('reports a record cut off at the end of the file', () => {
    const { entries, unparsed } = parseAll(csv + csv.slice(0, 150));
    expect(entries).toHaveLength(1);
    expect(unparsed.samples[0]).toMatchObject({
      line: 4,
      reason: expect.stringMatching(/ends inside a quoted field/),
    });
  });

  it('reads jsonlog with the PostgreSQL 15 keys and counts a cut-off line', () => {
    const record = {
      timestamp: '2024-03-01 10:00:00.123 UTC',
      user: 'app',
      dbname: 'shop',
      pid: 42,
      error_severity: 'LOG',
      message: 'duration: 9.000 ms  execute s1: SELECT $1',
      detail: "parameters: $1 = 'a'",
    };
    const line = `${JSON.stringify(record)}\n`;
    const { entries, unparsed } = parseAll(line + line.slice(0, 40));
    expect(entries).toEqual([
      expect.objectContaining({
        durationMs: 9,
        statementName: 's1',
        parameters: "$1 = 'a'",
        pid: '42',
        database: 'shop',
      }),
    ]);
    expect(unparsed.samples).toEqual([expect.objectContaining({ line: 2 })]);
  });

  it('names the supported formats when it recognises none', () => {
    expect(() => parseAll('hello\nworld\n')).toThrow(UnknownLogFormatError);
    expect(() => parseAll('hello\nworld\n')).toThrow(/stderr, csvlog, jsonlog/);
  });
});
