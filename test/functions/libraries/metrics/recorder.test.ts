import fc from 'fast-check';
import {
  createEndpointMetrics,
  type EmfDocument,
  emfDocument,
  quantizeLatency,
} from '../../../../functions/libraries/metrics';

function recorder(options: Parameters<typeof createEndpointMetrics>[0] = {}) {
  const docs: EmfDocument[] = [];
  const metrics = createEndpointMetrics({
    flushIntervalMs: 0,
    now: () => 1000,
    sink: (d) => docs.push(d),
    ...options,
  });
  return { metrics, docs };
}

describe('EndpointMetrics', () => {
  it('writes one EMF document per route and method with a latency distribution', () => {
    const { metrics, docs } = recorder({ service: 'chat' });
    for (const [ms, status] of [
      [12.34, 200],
      [12.31, 201],
      [250, 503],
      [3, 404],
      [7, 302],
    ] as const) {
      metrics.record({ route: '/users/:id', method: 'get', statusCode: status, durationMs: ms });
    }
    metrics.record({ route: '/users/:id', method: 'POST', statusCode: 200, durationMs: 1, failed: true });
    metrics.flush();
    expect(docs).toHaveLength(2);
    const get = docs.find((d) => d.Method === 'GET')!;
    expect(get).toMatchObject({
      Service: 'chat',
      Route: '/users/:id',
      Method: 'GET',
      Latency: { Values: [12, 250, 3, 7], Counts: [2, 1, 1, 1], Min: 3, Max: 250, Count: 5, Sum: 284 },
      Requests: 5,
      Errors: 1,
      Status2xx: 2,
      Status3xx: 1,
      Status4xx: 1,
      Status5xx: 1,
      _aws: {
        Timestamp: 1000,
        CloudWatchMetrics: [
          { Namespace: 'MisyBot/Endpoints', Dimensions: [['Service', 'Route', 'Method'], ['Service']] },
        ],
      },
    });
    expect(docs.find((d) => d.Method === 'POST')).toMatchObject({ Errors: 1, Requests: 1, Status2xx: 1 });
    metrics.flush();
    expect(docs).toHaveLength(2);
  });

  it('bounds route dimensions: unmatched bucket, overflow bucket, unknown methods', () => {
    const { metrics, docs } = recorder({ maxRoutes: 3 });
    for (let i = 0; i < 10; i++)
      metrics.record({ route: `/r${i}`, method: 'GET', statusCode: 200, durationMs: 1 });
    metrics.record({ route: undefined, method: 'BREW', statusCode: 404, durationMs: 1 });
    metrics.flush();
    expect(metrics.routeCount).toBe(3);
    expect(docs.map((d) => `${d.Method} ${d.Route} ${d.Requests}`).sort()).toEqual([
      'GET /r0 1',
      'GET /r1 1',
      'GET /r2 1',
      'GET __overflow__ 7',
      'OTHER __unmatched__ 1',
    ]);
  });

  it('never puts more than 100 values in a document and loses no observation', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 60_000, noNaN: true }), { maxLength: 2000 }),
        (latencies) => {
          const { metrics, docs } = recorder();
          for (const ms of latencies)
            metrics.record({ route: '/x', method: 'GET', statusCode: 200, durationMs: ms });
          metrics.flush();
          const dists = docs.map((d) => d.Latency as { Values: number[]; Counts: number[]; Count: number });
          expect(dists.every((d) => d.Values.length <= 100 && d.Values.length === d.Counts.length)).toBe(
            true,
          );
          expect(dists.reduce((n, d) => n + d.Counts.reduce((a, b) => a + b, 0), 0)).toBe(latencies.length);
          expect(dists.reduce((n, d) => n + d.Count, 0)).toBe(latencies.length);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('quantises latency to two significant digits, within 5%', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 1e6, noNaN: true }), (ms) => {
        expect(Math.abs(quantizeLatency(ms) - ms) / ms).toBeLessThanOrEqual(0.05);
      }),
    );
    expect(quantizeLatency(0)).toBe(0.01);
    expect(quantizeLatency(1234)).toBe(1200);
  });

  it('flushes on its interval with an unref-ed timer, and on close', () => {
    jest.useFakeTimers();
    try {
      const { metrics, docs } = recorder({ flushIntervalMs: 1000 });
      metrics.record({ route: '/a', method: 'GET', statusCode: 200, durationMs: 1 });
      jest.advanceTimersByTime(1000);
      expect(docs).toHaveLength(1);
      metrics.record({ route: '/a', method: 'GET', statusCode: 200, durationMs: 1 });
      metrics.close();
      expect(docs).toHaveLength(2);
      jest.advanceTimersByTime(5000);
      expect(docs).toHaveLength(2);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('emfDocument', () => {
  it('enforces the format limits', () => {
    const base = { namespace: 'N', dimensions: { A: 'a' }, timestamp: 0 };
    const many = Array.from({ length: 101 }, (_, i) => ({ name: `m${i}`, unit: 'Count' as const, value: 1 }));
    expect(() => emfDocument({ ...base, metrics: many })).toThrow(/101 metrics/);
    expect(() => emfDocument({ ...base, metrics: [{ name: 'A', unit: 'Count', value: 1 }] })).toThrow(
      /collides/,
    );
    expect(() => emfDocument({ ...base, metrics: [], dimensionSets: [['B']] })).toThrow(/no value/);
    const values = Array.from({ length: 101 }, (_, i) => i);
    const dist = { Values: values, Counts: values, Max: 0, Min: 0, Count: 0, Sum: 0 };
    expect(() =>
      emfDocument({ ...base, metrics: [{ name: 'L', unit: 'Milliseconds', value: dist }] }),
    ).toThrow(/101 values/);
  });
});
