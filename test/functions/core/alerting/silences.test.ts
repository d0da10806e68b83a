import {
  activeHold,
  activeSilence,
  matches,
  silenceSchema,
} from '../../../../functions/core/alerting/silences';

const labels = { component: 'api', severity: 'critical', check: ['api-health', 'api-version'] };

describe('matches', () => {
  it('matches equality against any value of a multi-valued label', () => {
    expect(matches({ label: 'check', op: '=', value: 'api-version' }, labels)).toBe(true);
    expect(matches({ label: 'check', op: '!=', value: 'api-version' }, labels)).toBe(false);
  });

  it('anchors regular expressions at both ends', () => {
    expect(matches({ label: 'component', op: '=~', value: 'ap' }, labels)).toBe(false);
    expect(matches({ label: 'component', op: '=~', value: 'ap.*' }, labels)).toBe(true);
    expect(matches({ label: 'severity', op: '!~', value: 'warning|info' }, labels)).toBe(true);
  });

  it('matches a pattern that backtracks exponentially in JavaScript RegExp on a long id at once', () => {
    const id = `${'a'.repeat(1000)}-check`;
    expect(matches({ label: 'check', op: '=~', value: '(?:(?:[a-z]|-)+)+X' }, { check: id })).toBe(false);
    expect(matches({ label: 'check', op: '=~', value: '(?:(?:[a-z]|-)+)+k' }, { check: id })).toBe(true);
    // A backtracking engine would not return within the test's timeout: 2^1000 ways to split the id.
  });

  it('treats a missing label as the empty string', () => {
    expect(matches({ label: 'stage', op: '=', value: '' }, labels)).toBe(true);
    expect(matches({ label: 'stage', op: '=~', value: '.+' }, labels)).toBe(false);
  });
});

describe('activeSilence', () => {
  const silence = {
    id: 's1',
    matchers: [
      { label: 'component', op: '=' as const, value: 'api' },
      { label: 'severity', op: '=' as const, value: 'critical' },
    ],
    startsAt: 100,
    endsAt: 200,
    createdBy: 'ops',
    comment: 'deploy',
  };

  it('applies only between its start and end, and only when every matcher matches', () => {
    expect(activeSilence([silence], labels, 99)).toBeUndefined();
    expect(activeSilence([silence], labels, 100)).toBe(silence);
    expect(activeSilence([silence], labels, 200)).toBeUndefined();
    expect(activeSilence([silence], { ...labels, severity: 'warning' }, 150)).toBeUndefined();
  });

  it('refuses a silence longer than 30 days, or with a pattern RE2 refuses or finds too complex', () => {
    const tooLong = silenceSchema.safeParse({ ...silence, endsAt: silence.startsAt + 30 * 86_400_000 + 1 });
    expect(tooLong.error?.issues.map((i) => i.message)).toEqual(['must end at most 30 days after it starts']);
    const patterns = ['(a)\\1', '(?=a)', '[a-z]{0,1000}'].map((value) =>
      silenceSchema.safeParse({ ...silence, matchers: [{ label: 'check', op: '=~', value }] }),
    );
    expect(patterns.map((p) => p.error?.issues[0]?.message)).toEqual([
      expect.stringContaining('no backreferences or lookaround'),
      expect.stringContaining('no backreferences or lookaround'),
      expect.stringContaining('too complex'),
    ]);
  });

  it('refuses a silence without matchers or ending before it starts', () => {
    const result = silenceSchema.safeParse({ ...silence, matchers: [], endsAt: 50 });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.'))).toEqual(['matchers', 'endsAt']);
  });
});

describe('activeHold', () => {
  it('finds the hold on the component that is in force now', () => {
    const holds = [
      { component: 'db', reason: 'failover' as const, startedAt: 0, until: 100 },
      { component: 'api', reason: 'scale-out' as const, startedAt: 0, until: 100 },
    ];
    expect(activeHold(holds, 'db', 50)).toBe(holds[0]);
    expect(activeHold(holds, 'db', 100)).toBeUndefined();
    expect(activeHold(holds, 'cache', 50)).toBeUndefined();
  });
});
