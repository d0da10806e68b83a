import {
  BalancingConfigError,
  createSelector,
  NoHealthyEndpointError,
  SELECTOR_ALGORITHMS,
  type SelectorAlgorithm,
  seededRandom,
  UnknownEndpointError,
} from '@misybot-ha/balancing';
import fc from 'fast-check';

const ids = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `e${i}` }));

function counts(picks: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const id of picks) out[id] = (out[id] ?? 0) + 1;
  return out;
}

describe('algorithms', () => {
  it.each([
    'round_robin',
    'least_outstanding_requests',
    'weighted_random',
    'smooth_weighted_round_robin',
    'p2c_ewma',
  ] as const)('%s sends traffic in proportion to the weights (3:1)', (algorithm) => {
    const s = createSelector(
      [
        { id: 'big', weight: 3 },
        { id: 'small', weight: 1 },
      ],
      { algorithm, random: seededRandom(5), now: () => 0 },
    );
    // Requests stay in flight in batches of 8, so the in-flight counts the least-loaded algorithms see
    // are the ones the weights should shape.
    const picks: string[] = [];
    for (let batch = 0; batch < 500; batch++) {
      const leases = Array.from({ length: 8 }, () => s.acquire());
      for (const lease of leases) {
        picks.push(lease.endpoint.id);
        lease.success(5);
      }
    }
    const share = picks.filter((id) => id === 'big').length / picks.length;
    expect(share).toBeGreaterThan(0.7);
    expect(share).toBeLessThan(0.8);
  });

  it('round_robin visits every endpoint in turn', () => {
    const s = createSelector(ids(3));
    const picks = Array.from({ length: 7 }, () => {
      const lease = s.acquire();
      lease.success();
      return lease.endpoint.id;
    });
    expect(picks).toEqual(['e0', 'e1', 'e2', 'e0', 'e1', 'e2', 'e0']);
  });

  it('least_outstanding_requests picks the endpoint with the fewest requests in flight', () => {
    const s = createSelector(ids(3), { algorithm: 'least_outstanding_requests' });
    const a = s.acquire();
    const b = s.acquire();
    const c = s.acquire();
    expect([a, b, c].map((l) => l.endpoint.id)).toEqual(['e0', 'e1', 'e2']);
    b.success();
    expect(s.acquire().endpoint.id).toBe('e1');
    expect(s.snapshot().map((e) => e.outstanding)).toEqual([1, 1, 1]);
  });

  it('smooth weighted round-robin interleaves like nginx (5,1,1 → a a b a c a a)', () => {
    const s = createSelector(
      [
        { id: 'a', weight: 5 },
        { id: 'b', weight: 1 },
        { id: 'c', weight: 1 },
      ],
      { algorithm: 'smooth_weighted_round_robin' },
    );
    expect(Array.from({ length: 7 }, () => s.acquire().endpoint.id).join(' ')).toBe('a a b a c a a');
  });

  it('smooth weighted round-robin is exact per cycle and never drifts by as many picks as there are endpoints', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 300 }),
        (weights, n) => {
          const endpoints = weights.map((weight, i) => ({ id: `e${i}`, weight }));
          const s = createSelector(endpoints, { algorithm: 'smooth_weighted_round_robin' });
          const total = weights.reduce((a, b) => a + b, 0);
          const picks = Array.from({ length: n * total }, () => s.acquire().endpoint.id);
          const all = counts(picks);
          weights.forEach((w, i) => {
            expect(all[`e${i}`] ?? 0).toBe(n * w);
          });
          // One assertion per run: an expect() per pick made this property take minutes on a busy machine.
          const running = new Array<number>(weights.length).fill(0);
          let drift = 0;
          picks.forEach((id, k) => {
            running[Number(id.slice(1))]! += 1;
            weights.forEach((w, i) => {
              drift = Math.max(drift, Math.abs(running[i]! - ((k + 1) * w) / total));
            });
          });
          expect(drift).toBeLessThan(weights.length);
        },
      ),
    );
  });

  it('weighted_random respects weights within a statistical bound (seeded, reproducible)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 2, maxLength: 6 }),
        fc.integer(),
        (weights, seed) => {
          const s = createSelector(
            weights.map((weight, i) => ({ id: `e${i}`, weight })),
            { algorithm: 'weighted_random', random: seededRandom(seed) },
          );
          const n = 20_000;
          const got = counts(Array.from({ length: n }, () => s.acquire().endpoint.id));
          const total = weights.reduce((a, b) => a + b, 0);
          weights.forEach((w, i) => {
            const p = w / total;
            const sigma = Math.sqrt(n * p * (1 - p));
            expect(Math.abs((got[`e${i}`] ?? 0) - n * p)).toBeLessThan(6 * sigma);
          });
        },
      ),
      { numRuns: 30 },
    );
  });

  it('p2c_ewma sends traffic away from the slow endpoint', () => {
    let now = 0;
    const s = createSelector(ids(4), { algorithm: 'p2c_ewma', random: seededRandom(7), now: () => now });
    const latency: Record<string, number> = { e0: 5, e1: 5, e2: 200, e3: 5 };
    const picks: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const lease = s.acquire();
      picks.push(lease.endpoint.id);
      now += 1;
      lease.success(latency[lease.endpoint.id]);
    }
    const got = counts(picks.slice(100));
    expect(got.e2 ?? 0).toBeLessThan(0.05 * 1900);
    expect(s.snapshot()[2]!.ewmaMs).toBeGreaterThan(100);
  });

  it('is deterministic for a seed', () => {
    const run = () => {
      const s = createSelector(ids(5), { algorithm: 'p2c_ewma', random: seededRandom(99), now: () => 0 });
      return Array.from({ length: 50 }, () => s.acquire().endpoint.id).join();
    };
    expect(run()).toBe(run());
  });
});

describe('passive health', () => {
  it('ejects after consecutive failures, probes back with one trial after the back-off', () => {
    let now = 0;
    const s = createSelector(ids(2), { failureThreshold: 2, baseEjectionMs: 1000, now: () => now });
    for (let i = 0; i < 4; i++) {
      const lease = s.acquire();
      if (lease.endpoint.id === 'e1') lease.failure();
      else lease.success();
    }
    expect(s.snapshot().map((e) => e.health)).toEqual(['healthy', 'ejected']);
    for (let i = 0; i < 5; i++) expect(s.acquire().endpoint.id).toBe('e0');
    now = 1000;
    const trial = s.acquire();
    expect(trial).toMatchObject({ trial: true, endpoint: { id: 'e1' } });
    expect(s.acquire().endpoint.id).toBe('e0');
    trial.failure();
    expect(s.snapshot()[1]!.health).toBe('ejected');
    now = 2999;
    expect(s.acquire().endpoint.id).toBe('e0');
    now = 3000;
    const second = s.acquire();
    expect(second.trial).toBe(true);
    second.success();
    expect(s.snapshot()[1]!.health).toBe('healthy');
  });

  it('in panic mode selects among ejected endpoints; without it, throws', () => {
    const s = createSelector(ids(2), { failureThreshold: 1, now: () => 0 });
    s.acquire().failure();
    s.acquire().failure();
    expect(['e0', 'e1']).toContain(s.acquire().endpoint.id);
    const strict = createSelector(ids(1), { failureThreshold: 1, panic: false, now: () => 0 });
    strict.acquire().failure();
    expect(() => strict.acquire()).toThrow(NoHealthyEndpointError);
    expect(() => createSelector([]).acquire()).toThrow(/no endpoints/);
  });

  const ops = fc.array(
    fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          kind: fc.constant('pick' as const),
          outcome: fc.constantFrom('ok' as const, 'fail' as const, 'hold' as const),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 3000 }) }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const) }) },
    ),
    { maxLength: 300 },
  );

  it.each(SELECTOR_ALGORITHMS)(
    '%s never picks an ejected endpoint while a healthy one exists',
    (algorithm: SelectorAlgorithm) => {
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 5 }),
          fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
          ops,
          fc.integer(),
          (weights, flaky, script, seed) => {
            let now = 0;
            const s = createSelector(
              weights.map((weight, i) => ({ id: `e${i}`, weight })),
              {
                algorithm,
                failureThreshold: 2,
                baseEjectionMs: 500,
                maxEjectionMs: 4000,
                now: () => now,
                random: seededRandom(seed),
              },
            );
            const held: { success(): void }[] = [];
            for (const op of script) {
              if (op.kind === 'wait') now += op.ms;
              else if (op.kind === 'release') held.shift()?.success();
              else {
                const before = s.snapshot();
                const lease = s.acquire();
                const picked = before.find((e) => e.id === lease.endpoint.id)!;
                const anyHealthy = before.some((e) => e.health === 'healthy');
                if (anyHealthy) expect(picked.health).not.toBe('ejected');
                if (anyHealthy && picked.health === 'probing') expect(lease.trial).toBe(true);
                const index = Number(lease.endpoint.id.slice(1));
                if (op.outcome === 'hold') held.push(lease);
                else if (op.outcome === 'fail' || flaky[index]) lease.failure(5);
                else lease.success(5);
              }
            }
          },
        ),
        { numRuns: 60 },
      );
    },
  );
});

describe('configuration', () => {
  it('rejects unknown algorithms, repeated ids and non-positive weights', () => {
    expect(() => createSelector(ids(1), { algorithm: 'random' as SelectorAlgorithm })).toThrow(
      BalancingConfigError,
    );
    expect(() => createSelector([{ id: 'a' }, { id: 'a' }])).toThrow(/repeated/);
    expect(() => createSelector([{ id: 'a', weight: 0 }])).toThrow(/endpoints\[0\]\.weight/);
  });

  it('keeps state across setEndpoints for ids that stay', () => {
    const s = createSelector(ids(2), { failureThreshold: 1, now: () => 0 });
    s.acquire().failure();
    s.setEndpoints([{ id: 'e0' }, { id: 'e9' }]);
    expect(s.snapshot().map((e) => `${e.id}:${e.health}`)).toEqual(['e0:ejected', 'e9:healthy']);
  });

  it('run() reports success with latency and failure with rethrow', async () => {
    let now = 0;
    const s = createSelector(ids(1), { failureThreshold: 1, now: () => now });
    expect(
      await s.run(async () => {
        now += 30;
        return 'ok';
      }),
    ).toBe('ok');
    expect(s.snapshot()[0]!.ewmaMs).toBe(30);
    await expect(s.run(() => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(s.snapshot()[0]!.health).toBe('ejected');
  });
});

describe('health set by the caller', () => {
  it('markUnhealthy takes an endpoint out of rotation until markHealthy, whatever its requests report', () => {
    const s = createSelector(ids(2), { algorithm: 'round_robin' });
    s.markUnhealthy('e1');
    expect(s.snapshot().map((e) => e.health)).toEqual(['healthy', 'down']);
    for (let i = 0; i < 10; i++) {
      const lease = s.acquire();
      expect(lease.endpoint.id).toBe('e0');
      lease.success();
    }
    s.markHealthy('e1');
    expect(new Set(Array.from({ length: 4 }, () => s.acquire().endpoint.id))).toEqual(new Set(['e0', 'e1']));
  });

  it('markHealthy ends a passive ejection at once', () => {
    const s = createSelector(ids(2), { failureThreshold: 1, baseEjectionMs: 60_000, now: () => 0 });
    const lease = s.acquire();
    lease.failure();
    expect(s.snapshot().find((e) => e.id === lease.endpoint.id)?.health).toBe('ejected');
    s.markHealthy(lease.endpoint.id);
    expect(s.snapshot().map((e) => e.health)).toEqual(['healthy', 'healthy']);
  });

  it('selects a marked-down endpoint only in panic mode, like an ejected one', () => {
    const s = createSelector(ids(1), { panic: false });
    s.markUnhealthy('e0');
    expect(() => s.acquire()).toThrow(NoHealthyEndpointError);
    const panicking = createSelector(ids(1));
    panicking.markUnhealthy('e0');
    expect(panicking.acquire().endpoint.id).toBe('e0');
  });

  it('names an unknown id with the ones it has', () => {
    const s = createSelector(ids(2));
    expect(() => s.markUnhealthy('zz')).toThrow(UnknownEndpointError);
    expect(() => s.markHealthy('zz')).toThrow('"zz" is not an endpoint of this selector (endpoints: e0, e1)');
  });
});
