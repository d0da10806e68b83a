import fc from 'fast-check';
import type { ProbeStatus } from '../../../../functions/core/health/probe';
import {
  advanceCheckState,
  type CheckState,
  type CheckTransition,
  initialCheckState,
  type StatePolicy,
} from '../../../../functions/core/health/state-machine';

const policy: StatePolicy = {
  failureThreshold: 2,
  successThreshold: 2,
  flapTransitions: 4,
  flapWindowMs: 300_000,
};

/** Feeds statuses one round every `stepMs`, collecting every state and transition. */
function run(statuses: readonly ProbeStatus[], p: StatePolicy = policy, stepMs = 10_000) {
  let state: CheckState | undefined;
  const transitions: CheckTransition[] = [];
  const states: CheckState[] = [];
  statuses.forEach((status, i) => {
    const step = advanceCheckState(state, { checkId: 'c', status, latencyMs: 1 }, p, `r${i}`, i * stepMs);
    state = step.state;
    states.push(step.state);
    if (step.transition) transitions.push(step.transition);
  });
  return { state: state!, states, transitions };
}

describe('advanceCheckState', () => {
  it('starts unknown and becomes healthy only after successThreshold successes', () => {
    const { states, transitions } = run(['up', 'up']);
    expect(states.map((s) => s.status)).toEqual(['unknown', 'healthy']);
    expect(transitions).toEqual([{ checkId: 'c', from: 'unknown', to: 'healthy', at: 10_000 }]);
  });

  it('turns unhealthy after failureThreshold consecutive failures, not after one', () => {
    const { states } = run(['up', 'up', 'down', 'up', 'down', 'down']);
    expect(states.map((s) => s.status)).toEqual([
      'unknown',
      'healthy',
      'healthy',
      'healthy',
      'healthy',
      'unhealthy',
    ]);
  });

  it('lets inconclusive results move neither threshold, then reports unknown when they persist', () => {
    const { states } = run(['up', 'up', 'down', 'unknown', 'down', 'unknown', 'unknown']);
    expect(states.map((s) => s.status)).toEqual([
      'unknown',
      'healthy',
      'healthy',
      'healthy',
      'unhealthy',
      'unhealthy',
      'unknown',
    ]);
  });

  it('changes nothing for an earlier round of the same invocation (a redelivery re-running its rounds)', () => {
    const down = { checkId: 'c', status: 'down' as const, latencyMs: 5 };
    let state = advanceCheckState(undefined, down, policy, 'inv#0', 0).state;
    state = advanceCheckState(state, down, policy, 'inv#1', 10_000).state;
    expect(advanceCheckState(state, down, policy, 'inv#0', 60_000).state).toBe(state);
    expect(advanceCheckState(state, down, policy, 'inv#2', 60_000).state.lastRoundId).toBe('inv#2');
    expect(advanceCheckState(state, down, policy, 'next#0', 60_000).state.lastRoundId).toBe('next#0');
  });

  it('changes nothing when the same round is applied twice', () => {
    const first = advanceCheckState(
      undefined,
      { checkId: 'c', status: 'down', latencyMs: 5 },
      policy,
      'inv#0',
      0,
    );
    const again = advanceCheckState(
      first.state,
      { checkId: 'c', status: 'down', latencyMs: 5 },
      policy,
      'inv#0',
      1,
    );
    expect(again.state).toBe(first.state);
    expect(again.state.consecutiveFailures).toBe(1);
  });

  it('becomes flapping at the 4th status change in the window and stays so until a quiet window passes', () => {
    // Status changes at rounds 1 (unknown → healthy), 3, 5 and 7; then steady.
    const flips: ProbeStatus[] = ['up', 'up', 'down', 'down', 'up', 'up', 'down', 'down', 'up', 'up'];
    const steady: ProbeStatus[] = Array.from({ length: 35 }, () => 'up');
    const { states, transitions } = run([...flips, ...steady]);
    expect(states[7]!.status).toBe('flapping');
    expect(transitions.map((t) => t.to)).toEqual(['healthy', 'unhealthy', 'healthy', 'flapping', 'healthy']);
    // The last hidden change (back to healthy) was at round 9; the check leaves flapping a window later.
    expect(transitions.at(-1)!.at).toBe(90_000 + policy.flapWindowMs);
  });

  it('calls a check failing every other round flapping though it never settles, until it steadies', () => {
    const alternating: ProbeStatus[] = Array.from({ length: 12 }, (_, i) => (i % 2 ? 'down' : 'up'));
    const steady: ProbeStatus[] = Array.from({ length: 40 }, () => 'up');
    const { states } = run([...alternating, ...steady]);
    // Eight up/down changes (2 × flapTransitions) by round 8; never two results alike before that.
    expect(states.slice(0, 9).map((s) => s.status)).toEqual([...Array(8).fill('unknown'), 'flapping']);
    expect(states[11]!.settled).toBe('unknown');
    // Steady from round 12, settled healthy at 13: flapping until fewer than 4 changes remain in the
    // 300 s window (round 39) and a whole window passed since it settled (round 43).
    const lastFlapping = states.map((s) => s.status).lastIndexOf('flapping');
    expect(lastFlapping).toBe(42);
    expect(states.at(-1)!.status).toBe('healthy');
  });

  it('does not call a check flapping for a few separate failures', () => {
    const blips: ProbeStatus[] = [
      'up',
      'up',
      'down',
      'up',
      'up',
      'up',
      'down',
      'up',
      'up',
      'down',
      'up',
      'up',
    ];
    const { states } = run(blips);
    expect(states.every((s) => s.status !== 'flapping')).toBe(true);
  });

  it('keeps the last result with its error and warning for the component report', () => {
    const { state } = run(['down']);
    const next = advanceCheckState(
      state,
      { checkId: 'c', status: 'down', latencyMs: 7, error: 'connection refused' },
      policy,
      'x',
      99,
    );
    expect(next.state.lastResult).toEqual({
      status: 'down',
      latencyMs: 7,
      at: 99,
      error: 'connection refused',
    });
  });
});

const statuses = fc.array(fc.constantFrom<ProbeStatus>('up', 'down', 'unknown'), { maxLength: 120 });
const policies = fc.record({
  failureThreshold: fc.integer({ min: 1, max: 5 }),
  successThreshold: fc.integer({ min: 1, max: 5 }),
  flapTransitions: fc.integer({ min: 2, max: 6 }),
  flapWindowMs: fc.integer({ min: 1, max: 30 }).map((rounds) => rounds * 10_000),
});
// Low thresholds and short windows make flapping, and its edge cases, common.
const flappy = fc.record({
  failureThreshold: fc.integer({ min: 1, max: 2 }),
  successThreshold: fc.integer({ min: 1, max: 2 }),
  flapTransitions: fc.integer({ min: 2, max: 4 }),
  flapWindowMs: fc.integer({ min: 1, max: 8 }).map((rounds) => rounds * 10_000),
});

/** Consecutive `want` results ending at each round; an unknown result carries the run on. */
function runLengths(input: readonly ProbeStatus[], want: ProbeStatus): number[] {
  let length = 0;
  return input.map((status) => {
    if (status === want) length++;
    else if (status !== 'unknown') length = 0;
    return length;
  });
}

describe('advanceCheckState properties', () => {
  it('never alerts (turns unhealthy or healthy) without crossing the threshold since it last reported the opposite', () => {
    fc.assert(
      fc.property(statuses, policies, (input, p) => {
        const { states, transitions } = run(input, p);
        for (const t of transitions.filter((x) => x.to === 'unhealthy' || x.to === 'healthy')) {
          const k = t.at / 10_000;
          const opposite = t.to === 'unhealthy' ? 'healthy' : 'unhealthy';
          const threshold = t.to === 'unhealthy' ? p.failureThreshold : p.successThreshold;
          const j = states
            .slice(0, k)
            .map((s) => s.status)
            .lastIndexOf(opposite);
          const runs = runLengths(input, t.to === 'unhealthy' ? 'down' : 'up').slice(j + 1, k + 1);
          expect(Math.max(...runs)).toBeGreaterThanOrEqual(threshold);
        }
      }),
    );
  });

  it('never turns unhealthy when fewer than failureThreshold failures ever come in a row', () => {
    fc.assert(
      fc.property(statuses, policies, (input, p) => {
        fc.pre(Math.max(0, ...runLengths(input, 'down')) < p.failureThreshold);
        expect(run(input, p).transitions.some((t) => t.to === 'unhealthy')).toBe(false);
      }),
    );
  });

  it('enters flapping at most once per window and sends nothing else while flapping', () => {
    fc.assert(
      fc.property(statuses, fc.oneof(policies, flappy), (input, p) => {
        const { transitions } = run(input, p);
        const entries = transitions.filter((t) => t.to === 'flapping').map((t) => t.at);
        for (let i = 1; i < entries.length; i++)
          expect(entries[i]! - entries[i - 1]!).toBeGreaterThan(p.flapWindowMs);
        transitions.forEach((t, i) => {
          if (t.from === 'flapping') expect(transitions[i - 1]?.to).toBe('flapping');
          if (i > 0 && transitions[i - 1]!.to === 'flapping') expect(t.from).toBe('flapping');
        });
      }),
      { numRuns: 300 },
    );
  });

  it('pages (unhealthy or flapping) at most ceil((N-1)/2)+1 times in any flap window', () => {
    fc.assert(
      fc.property(statuses, fc.oneof(policies, flappy), (input, p) => {
        const pages = run(input, p)
          .transitions.filter((t) => t.to === 'unhealthy' || t.to === 'flapping')
          .map((t) => t.at);
        const bound = Math.ceil((p.flapTransitions - 1) / 2) + 1;
        for (const start of pages) {
          expect(pages.filter((at) => at >= start && at < start + p.flapWindowMs).length).toBeLessThanOrEqual(
            bound,
          );
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('advanceCheckState: windows, timestamps and rounds at their edges', () => {
  /** A settled check at `at`, built field by field so each edge is set exactly. */
  const settledState = (overrides: Partial<CheckState>): CheckState => ({
    ...initialCheckState('c', 0),
    status: 'healthy',
    settled: 'healthy',
    lastConclusive: 'up',
    ...overrides,
  });
  const apply = (state: CheckState, status: ProbeStatus, now: number, roundId = `r@${now}`) =>
    advanceCheckState(state, { checkId: 'c', status, latencyMs: 1 }, policy, roundId, now);

  it('starts a new check unknown, with no history, at version 0', () => {
    expect(initialCheckState('c', 5)).toStrictEqual({
      checkId: 'c',
      status: 'unknown',
      settled: 'unknown',
      since: 5,
      consecutiveFailures: 0,
      consecutiveSuccesses: 0,
      consecutiveUnknown: 0,
      transitions: [],
      version: 0,
    });
  });

  it('drops a status change exactly one window old from the flap count', () => {
    const window = policy.flapWindowMs;
    const state = settledState({ consecutiveFailures: 1, transitions: [0, 100, 200] });
    const step = apply(state, 'down', window);
    expect(step.state.transitions).toEqual([100, 200, window]);
    expect(step.state.status).toBe('unhealthy');
  });

  it('drops a result change exactly one window old from the flap count', () => {
    const window = policy.flapWindowMs;
    const state = settledState({ resultChanges: [0, 1, 2, 3, 4, 5, 6] });
    const step = apply(state, 'down', window);
    expect(step.state.resultChanges).toEqual([1, 2, 3, 4, 5, 6, window]);
    expect(step.state.status).toBe('healthy');
  });

  it('does not count an inconclusive result as a change of the raw result', () => {
    expect(apply(settledState({}), 'unknown', 1_000).state.resultChanges).toEqual([]);
  });

  it('leaves flapping once quiet when no status change is left in the window', () => {
    const flapping = settledState({ status: 'flapping', transitions: [], resultChanges: [] });
    expect(apply(flapping, 'up', 1_000).state.status).toBe('healthy');
  });

  it('stays flapping while the raw results still change as often as the flap threshold', () => {
    const flapping = settledState({ status: 'flapping', transitions: [], resultChanges: [10, 20, 30, 40] });
    expect(apply(flapping, 'up', 1_000).state.status).toBe('flapping');
    const calmer = settledState({ status: 'flapping', transitions: [], resultChanges: [10, 20, 30] });
    expect(apply(calmer, 'up', 1_000).state.status).toBe('healthy');
  });

  it('dates the status from when it last changed, not from the latest round', () => {
    const { states } = run(['up', 'up', 'up', 'down', 'down']);
    expect(states.map((s) => s.since)).toEqual([0, 10_000, 10_000, 10_000, 40_000]);
  });

  it('keeps a warning, and no error or warning a result did not carry', () => {
    const warned = advanceCheckState(
      undefined,
      { checkId: 'c', status: 'up', latencyMs: 900, warning: 'slow answer' },
      policy,
      'w',
      5,
    );
    expect(warned.state.lastResult).toStrictEqual({
      status: 'up',
      latencyMs: 900,
      at: 5,
      warning: 'slow answer',
    });
    const plain = advanceCheckState(undefined, { checkId: 'c', status: 'up', latencyMs: 3 }, policy, 'p', 6);
    expect(plain.state.lastResult).toStrictEqual({ status: 'up', latencyMs: 3, at: 6 });
  });

  it('changes nothing when a round without an invocation index is applied twice', () => {
    const first = apply(initialCheckState('c', 0), 'up', 0, 'round-7');
    const again = apply(first.state, 'up', 10_000, 'round-7');
    expect(again.state).toBe(first.state);
  });
});
