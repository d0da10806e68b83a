import {
  type CandidateEvaluation,
  selectIndexes,
} from '../../../../../functions/core/queries/advisor/selection';

const query = (key: string, calls: number, meanMs: number, costBefore = 1000) => ({
  key,
  query: `q ${key}`,
  calls,
  meanMs,
  costBefore,
});
const evaluation = (columns: string[], after: Record<string, number>): CandidateEvaluation => ({
  candidate: { table: 'public.t', columns },
  costAfter: new Map(Object.entries(after)),
});

describe('selectIndexes', () => {
  it('prefers one index serving several queries over single-use ones', () => {
    const queries = [query('q1', 100, 50), query('q2', 100, 50)];
    const chosen = selectIndexes(
      queries,
      [
        evaluation(['a'], { q1: 100, q2: 1000 }),
        evaluation(['b'], { q2: 100, q1: 1000 }),
        evaluation(['a', 'b'], { q1: 150, q2: 150 }),
      ],
      0.5,
    );
    expect(chosen.map((r) => r.columns)).toEqual([['a', 'b']]);
    expect(chosen[0]).toMatchObject({
      queryKeys: ['q1', 'q2'],
      costBefore: 2000,
      costAfter: 300,
      sql: 'CREATE INDEX CONCURRENTLY ON public.t (a, b)',
    });
    expect(chosen[0]?.estimatedSavingsMs).toBeCloseTo(2 * 100 * 50 * 0.85);
  });

  it('recommends nothing whose cost drop is below the threshold', () => {
    expect(selectIndexes([query('q1', 100, 50)], [evaluation(['a'], { q1: 501 })], 0.5)).toEqual([]);
    expect(selectIndexes([query('q1', 100, 50)], [evaluation(['a'], { q1: 500 })], 0.5)).toHaveLength(1);
  });

  it('ranks the chosen indexes by estimated time saved', () => {
    const chosen = selectIndexes(
      [query('small', 10, 10), query('big', 1000, 100)],
      [evaluation(['s'], { small: 10 }), evaluation(['b'], { big: 10 })],
      0.5,
    );
    expect(chosen.map((r) => r.columns[0])).toEqual(['b', 's']);
  });

  it('still takes a composite that halves a query again after a single column served it, and drops an index left with no query', () => {
    const chosen = selectIndexes(
      [query('recent', 100, 50), query('latest', 100, 50)],
      [
        evaluation(['created_at'], { recent: 300, latest: 10 }),
        evaluation(['tenant_id', 'created_at'], { recent: 20, latest: 1000 }),
        evaluation(['tenant_id'], { recent: 400 }),
      ],
      0.5,
    );
    expect(chosen.map((r) => [r.columns, r.queryKeys])).toEqual([
      [['created_at'], ['latest']],
      [['tenant_id', 'created_at'], ['recent']],
    ]);
  });

  it('does not take a second index that only shaves a little off a served query', () => {
    const chosen = selectIndexes(
      [query('q', 100, 50)],
      [evaluation(['a'], { q: 100 }), evaluation(['a', 'b'], { q: 95 })],
      0.5,
    );
    expect(chosen.map((r) => r.columns)).toEqual([['a']]);
  });

  it('breaks a near tie (planner noise) for the default operator class over a pattern one', () => {
    const pattern: CandidateEvaluation = {
      candidate: { table: 'public.t', columns: ['name'], operatorClasses: { name: 'text_pattern_ops' } },
      costAfter: new Map([['q', 10]]),
    };
    const chosen = selectIndexes([query('q', 100, 50)], [pattern, evaluation(['name'], { q: 15 })], 0.5);
    expect(chosen.map((r) => r.sql)).toEqual(['CREATE INDEX CONCURRENTLY ON public.t (name)']);
  });
});
