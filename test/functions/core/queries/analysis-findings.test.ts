import fc from 'fast-check';
import {
  type Finding,
  MAX_REMEMBERED_FINDINGS,
  rememberFindings,
} from '../../../../functions/core/queries/analysis-findings';
import {
  digestNotification,
  MAX_DIGEST_LINES,
} from '../../../../functions/core/queries/analysis-notifications';

const DAY = 24 * 3600_000;
const finding = (id: string): Finding => ({ id, kind: 'slow', summary: `slow: ${id}` });

describe('rememberFindings', () => {
  it('calls a finding new again once it has not been seen for the memory window', () => {
    const now = 10 * DAY;
    const previous = { 'slow:a': now - DAY + 1, 'slow:b': now - DAY - 1 };

    const { newFindings, reported } = rememberFindings(
      previous,
      [finding('slow:a'), finding('slow:b')],
      now,
      DAY,
    );

    expect(newFindings.map((f) => f.id)).toEqual(['slow:b']);
    expect(reported).toEqual({ 'slow:a': now, 'slow:b': now });
  });

  it('keeps recent findings that are absent this run, and forgets old ones', () => {
    const now = 10 * DAY;
    const { reported } = rememberFindings(
      { 'slow:recent': now - 1000, 'slow:old': now - 2 * DAY },
      [],
      now,
      DAY,
    );
    expect(reported).toEqual({ 'slow:recent': now - 1000 });
  });

  it('keeps at most MAX_REMEMBERED_FINDINGS, the most recently seen first', () => {
    const now = 10 * DAY;
    const previous = Object.fromEntries(
      Array.from({ length: MAX_REMEMBERED_FINDINGS + 5 }, (_, i) => [`slow:${i}`, now - 10_000 + i]),
    );
    const { reported } = rememberFindings(previous, [finding('slow:current')], now, DAY);
    expect(Object.keys(reported)).toHaveLength(MAX_REMEMBERED_FINDINGS);
    expect(reported['slow:current']).toBe(now);
    expect(reported['slow:0']).toBeUndefined();
  });

  it('reports a finding as new exactly when it was not seen within the window (property)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.integer({ min: 0, max: 3 * DAY })),
        fc.subarray(['a', 'b', 'c', 'd']),
        (seen, current) => {
          const now = 3 * DAY;
          const previous = Object.fromEntries(Object.entries(seen).map(([k, at]) => [`slow:${k}`, at]));
          const { newFindings } = rememberFindings(
            previous,
            current.map((k) => finding(`slow:${k}`)),
            now,
            DAY,
          );
          const expected = current
            .filter((k) => !(k in seen) || seen[k]! < now - DAY)
            .map((k) => `slow:${k}`);
          expect(newFindings.map((f) => f.id)).toEqual(expected);
        },
      ),
    );
  });
});

describe('digestNotification', () => {
  it('lists at most MAX_DIGEST_LINES findings and says how many more the report holds', () => {
    const findings = Array.from({ length: MAX_DIGEST_LINES + 3 }, (_, i) => finding(`slow:${i}`));
    const digest = digestNotification({ cluster: 'db', at: '2025-01-06T10:00:00.000Z' }, findings, {
      slowQueries: 40,
      regressions: 0,
      recommendations: 1,
    });
    expect(digest.title).toBe(`New on db: ${MAX_DIGEST_LINES + 3} slow queries`);
    expect(digest.reasons).toHaveLength(MAX_DIGEST_LINES + 2);
    expect(digest.reasons.at(-2)).toBe('… and 3 more in the stored report');
    expect(digest.reasons.at(-1)).toBe(
      'In this interval: 40 slow queries, 0 regressions, 1 index recommendation',
    );
  });
});
