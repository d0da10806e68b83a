import { planRounds, worstCaseDetectionMs } from '../../../../functions/core/health/rounds';

describe('planRounds', () => {
  it('plans six 10 s rounds in a 1-minute schedule when the Lambda has time for them', () => {
    const rounds = planRounds({
      startedAt: 0,
      remainingMs: 65_000,
      intervalMs: 10_000,
      rounds: 6,
      longestTimeoutMs: 5000,
    });
    expect(rounds.map((r) => [r.startAt, r.deadline])).toEqual([
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
      remainingMs: 30_000,
      intervalMs: 10_000,
      rounds: 6,
      longestTimeoutMs: 5000,
    });
    // End = 1000 + 30000 - 3000 = 28000: the third round would get 7 s, the fourth none.
    expect(rounds.map((r) => [r.index, r.startAt, r.deadline])).toEqual([
      [0, 1000, 11_000],
      [1, 11_000, 21_000],
      [2, 21_000, 28_000],
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
    expect(rounds).toEqual([{ index: 0, startAt: 0, deadline: 2000 }]);
  });

  it('plans nothing when the invocation has no time left beyond the reserve', () => {
    expect(
      planRounds({ startedAt: 0, remainingMs: 2000, intervalMs: 10_000, rounds: 6, longestTimeoutMs: 1000 }),
    ).toEqual([]);
  });
});

describe('worstCaseDetectionMs', () => {
  it('is the rounds needed to cross the threshold plus the slowest probe', () => {
    expect(worstCaseDetectionMs(10_000, 2, 5000)).toBe(25_000);
  });
});
