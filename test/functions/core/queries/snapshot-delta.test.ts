import fc from 'fast-check';
import { diffSnapshots, type StatementCounters } from '../../../../functions/core/queries/snapshot-delta';

function counters(overrides: Partial<StatementCounters> = {}): StatementCounters {
  return {
    queryid: '1',
    userid: '10',
    dbid: '5',
    toplevel: true,
    query: 'SELECT $1',
    calls: 100,
    totalExecMs: 1000,
    meanExecMs: 10,
    maxExecMs: 50,
    stddevExecMs: 2,
    rows: 100,
    sharedBlksHit: 500,
    sharedBlksRead: 20,
    ...overrides,
  };
}

describe('diffSnapshots', () => {
  it('subtracts counters and recomputes mean and stddev for the interval', () => {
    const before = counters();
    const after = counters({
      calls: 150,
      totalExecMs: 2000,
      meanExecMs: 2000 / 150,
      maxExecMs: 80,
      rows: 160,
      sharedBlksHit: 900,
      sharedBlksRead: 25,
    });
    const delta = diffSnapshots(
      { takenAt: 1, entries: [before], statsResetAt: 0 },
      { takenAt: 2, entries: [after], statsResetAt: 0 },
    );
    expect(delta.reset).toBe(false);
    expect(delta.statements).toEqual([
      expect.objectContaining({
        calls: 50,
        totalMs: 1000,
        meanMs: 20,
        maxMs: 80,
        rows: 60,
        sharedBlksHit: 400,
        sharedBlksRead: 5,
        restarted: false,
      }),
    ]);
  });

  it('reports an unknown interval max as null when the all-time max did not rise', () => {
    const delta = diffSnapshots(
      { takenAt: 1, entries: [counters()] },
      { takenAt: 2, entries: [counters({ calls: 101, totalExecMs: 1001 })] },
    );
    expect(delta.statements[0]?.maxMs).toBeNull();
  });

  it('uses the current counters when an entry went down (reset or evicted and re-created)', () => {
    const now = counters({ calls: 3, totalExecMs: 30 });
    const delta = diffSnapshots({ takenAt: 1, entries: [counters()] }, { takenAt: 2, entries: [now] });
    expect(delta.statements[0]).toMatchObject({ calls: 3, totalMs: 30, restarted: true });
  });

  it('treats a changed stats_reset as a reset of every entry', () => {
    const now = counters({ calls: 120, totalExecMs: 1300 });
    const delta = diffSnapshots(
      { takenAt: 1, statsResetAt: 100, entries: [counters()] },
      { takenAt: 2, statsResetAt: 200, entries: [now] },
    );
    expect(delta.reset).toBe(true);
    expect(delta.statements[0]).toMatchObject({ calls: 120, restarted: true });
  });

  it('lists vanished entries and leaves out idle ones', () => {
    const gone = counters({ queryid: '2', query: 'SELECT 2' });
    const delta = diffSnapshots(
      { takenAt: 1, entries: [counters(), gone] },
      { takenAt: 2, entries: [counters()] },
    );
    expect(delta.statements).toEqual([]);
    expect(delta.vanished).toEqual([{ key: '10/5/2/t', queryid: '2', query: 'SELECT 2' }]);
  });

  it('adds up: previous + interval = current, for any increments', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        (calls, ms) => {
          const before = counters();
          const after = counters({ calls: before.calls + calls, totalExecMs: before.totalExecMs + ms });
          const [delta] = diffSnapshots(
            { takenAt: 1, entries: [before] },
            { takenAt: 2, entries: [after] },
          ).statements;
          expect(delta?.calls).toBe(calls);
          expect(delta?.totalMs).toBeCloseTo(ms, 6);
          expect(delta?.stddevMs).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });
});
