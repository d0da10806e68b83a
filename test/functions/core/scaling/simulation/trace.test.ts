import { parseTrace, TraceError, valueAt } from '../../../../../functions/core/scaling/simulation/trace';

function error(text: string): TraceError {
  try {
    parseTrace(text);
  } catch (e) {
    expect(e).toBeInstanceOf(TraceError);
    expect((e as TraceError).name).toBe('TraceError');
    return e as TraceError;
  }
  throw new Error('expected the trace to be rejected');
}

describe('trace parser', () => {
  it('parses ISO times into offsets from the first row, with memory and parameters', () => {
    const trace = parseTrace(
      '# a comment\n# capacityPerInstance = 50\ntime,load,memory\n2024-03-04T00:00:00Z,100,2.5\n2024-03-04T00:01:00Z,120.5,3\n',
    );
    expect(trace).toEqual({
      start: Date.parse('2024-03-04T00:00:00Z'),
      hasMemory: true,
      parameters: { capacityPerInstance: 50 },
      points: [
        { offsetSeconds: 0, load: 100, memory: 2.5 },
        { offsetSeconds: 60, load: 120.5, memory: 3 },
      ],
    });
  });

  it('parses second offsets and CRLF line ends', () => {
    const trace = parseTrace('time,load\r\n0,10\r\n30,20\r\n');
    expect(trace.points).toEqual([
      { offsetSeconds: 0, load: 10 },
      { offsetSeconds: 30, load: 20 },
    ]);
    expect(trace.hasMemory).toBe(false);
  });

  it('rejects an empty trace', () => {
    expect(error('').message).toBe('empty trace: no header line "time,load[,memory]"');
    expect(error('time,load\n').message).toBe('trace has 0 data row(s); at least 2 are needed to replay it');
  });

  it('rejects a bad header, naming its line', () => {
    expect(error('# c\nwhen,rps\n0,1\n').message).toBe(
      'line 2: bad header "when,rps": expected "time,load" or "time,load,memory"',
    );
  });

  it('rejects unsorted or duplicate times, naming the line', () => {
    const e = error('time,load\n0,1\n60,2\n30,3\n');
    expect(e.line).toBe(4);
    expect(e.message).toBe(
      'line 4: time "30" is not after the previous row\'s "60" (rows must be sorted by time, without duplicates)',
    );
    expect(error('time,load\n0,1\n0,2\n').line).toBe(3);
  });

  it('rejects a non-numeric or negative load, naming the line', () => {
    expect(error('time,load\n0,1\n60,abc\n').message).toBe('line 3: load "abc" is not a number ≥ 0');
    expect(error('time,load\n0,-5\n').message).toBe('line 2: load "-5" is not a number ≥ 0');
    expect(error('time,load\n0,12abc\n').message).toBe('line 2: load "12abc" is not a number ≥ 0');
  });

  it('rejects bad times, mixed time kinds, wrong column counts and bad memory', () => {
    expect(error('time,load\nyesterday,1\n').message).toContain('line 2: time "yesterday" is neither');
    expect(error('time,load\n2024-03-04T00:00:00Z,1\n60,2\n').message).toContain(
      'line 3: time "60" mixes offsets',
    );
    expect(error('time,load\n0,1,2\n').message).toBe('line 2: expected 2 columns as in the header, got 3');
    expect(error('time,load,memory\n0,1,lots\n').message).toBe('line 2: memory "lots" is not a number ≥ 0');
  });

  it('rejects unknown parameters and non-numeric parameter values', () => {
    expect(error('# speed = 3\ntime,load\n').message).toContain('line 1: unknown parameter "speed"');
    expect(error('# bootSeconds = soon\ntime,load\n').message).toBe(
      'line 1: parameter bootSeconds must be a number ≥ 0, got "soon"',
    );
  });

  it('interpolates load linearly between rows and holds it past the ends', () => {
    const { points } = parseTrace('time,load\n0,100\n60,200\n');
    expect(valueAt(points, -10)).toBe(100);
    expect(valueAt(points, 30)).toBe(150);
    expect(valueAt(points, 600)).toBe(200);
  });
});
