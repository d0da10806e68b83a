import {
  firstTickAfter,
  invocationTimeoutMs,
  planRounds,
  worstCaseDetectionMs,
} from '../../../../functions/core/health/rounds';

describe('planRounds', () => {
  it('plans six 10 s rounds in a 1-minute schedule when the Lambda has time for them', () => {
    const rounds = planRounds({
      startedAt: 0,
      remainingMs: 65_000,
      intervalMs: 10_000,
      rounds: 6,
      longestTimeoutMs: 5000,
    });
    expect(rounds.map((r) => [r.tick, r.deadline])).toEqual([
      [0, 10_000],
      [10_000, 20_000],
      [20_000, 30_000],
      [30_000, 40_000],
      [40_000, 50_000],
      [50_000, 60_000],
    ]);
  });

  it('drops the rounds that would not leave every probe its timeout before the reserve', () => {
    const rounds = planRounds({
      startedAt: 1000,
      remainingMs: 40_000,
      intervalMs: 10_000,
      rounds: 6,
      longestTimeoutMs: 5000,
    });
    // Ticks from 10 s on; end = 1000 + 40000 - 3000 = 38000: the third round gets 8 s, the fourth none.
    expect(rounds.map((r) => [r.index, r.startAt, r.deadline])).toEqual([
      [0, 10_000, 20_000],
      [1, 20_000, 30_000],
      [2, 30_000, 38_000],
    ]);
  });

  it('runs on the ticks of the next period wherever in its minute the invocation starts', () => {
    const scheduled = 600_000;
    for (const delay of [0, 1, 29_999, 59_999]) {
      const rounds = planRounds({
        startedAt: scheduled + delay,
        remainingMs: invocationTimeoutMs(60_000, 6, 10_000) - delay,
        intervalMs: 10_000,
        rounds: 6,
        longestTimeoutMs: 5000,
        firstTick: firstTickAfter(scheduled, 60_000, 10_000),
      });
      expect(rounds.map((r) => r.tick - scheduled)).toEqual([
        60_000, 70_000, 80_000, 90_000, 100_000, 110_000,
      ]);
      expect(rounds.every((r) => r.startAt === r.tick && r.deadline === r.tick + 10_000)).toBe(true);
    }
  });

  it('leaves out the rounds whose window has passed and starts a round already due at once', () => {
    const rounds = planRounds({
      startedAt: 24_000,
      remainingMs: 65_000,
      intervalMs: 10_000,
      rounds: 6,
      longestTimeoutMs: 5000,
      firstTick: 0,
    });
    expect(rounds.map((r) => [r.index, r.startAt, r.deadline])).toEqual([
      [2, 24_000, 30_000],
      [3, 30_000, 40_000],
      [4, 40_000, 50_000],
      [5, 50_000, 60_000],
    ]);
  });

  it('keeps the first round in a short invocation so something is always checked', () => {
    const rounds = planRounds({
      startedAt: 0,
      remainingMs: 5000,
      intervalMs: 10_000,
      rounds: 6,
      longestTimeoutMs: 5000,
    });
    expect(rounds).toEqual([{ index: 0, tick: 0, startAt: 0, deadline: 2000 }]);
  });

  it('plans nothing when the invocation has no time left beyond the reserve', () => {
    expect(
      planRounds({ startedAt: 0, remainingMs: 2000, intervalMs: 10_000, rounds: 6, longestTimeoutMs: 1000 }),
    ).toEqual([]);
  });
});

describe('firstTickAfter and invocationTimeoutMs', () => {
  it('aligns the next period to a tick and gives a run delivered on time the whole of it', () => {
    expect(firstTickAfter(Date.UTC(2026, 0, 1, 12, 5), 60_000, 10_000)).toBe(Date.UTC(2026, 0, 1, 12, 6));
    expect(firstTickAfter(1_234, 60_000, 10_000)).toBe(70_000);
    expect(invocationTimeoutMs(60_000, 6, 10_000)).toBe(125_000);
  });
});

describe('worstCaseDetectionMs', () => {
  it('is the rounds needed to cross the threshold plus the slowest probe', () => {
    expect(worstCaseDetectionMs(10_000, 2, 5000)).toBe(25_000);
  });
});
