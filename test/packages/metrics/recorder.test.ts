import {
  createEndpointMetrics,
  EMF_MAX_VALUES,
  type EmfDocument,
  quantizeLatency,
} from '@misybot-ha/metrics';
import fc from 'fast-check';

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

/** Every declared metric target is what the EMF spec allows: a finite number or 1–100 of them. */
function expectSpecShape(doc: EmfDocument): void {
  for (const directive of doc._aws.CloudWatchMetrics) {
    for (const { Name } of directive.Metrics) {
      const value = doc[Name];
      if (Array.isArray(value)) {
        expect(value.length).toBeGreaterThanOrEqual(1);
        expect(value.length).toBeLessThanOrEqual(EMF_MAX_VALUES);
        expect(value.every((v) => typeof v === 'number' && Number.isFinite(v))).toBe(true);
      } else {
        expect(typeof value === 'number' && Number.isFinite(value)).toBe(true);
      }
    }
  }
}

describe('EndpointMetrics', () => {
  it('writes one EMF document per route and method with the latencies as an array', () => {
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
    expect(docs).toHaveLength(0);
    metrics.flush();
    expect(docs).toHaveLength(2);
    const get = docs.find((d) => d.Method === 'GET')!;
    expect(get).toEqual({
      Service: 'chat',
      Route: '/users/:id',
      Method: 'GET',
      Latency: [12, 12, 250, 3, 7],
      Requests: 5,
      Errors: 1,
      Status2xx: 2,
      Status3xx: 1,
      Status4xx: 1,
      Status5xx: 1,
      _aws: {
        Timestamp: 1000,
        CloudWatchMetrics: [
          {
            Namespace: 'MisyBot/Endpoints',
            Dimensions: [['Service', 'Route', 'Method'], ['Service']],
            Metrics: [
              { Name: 'Latency', Unit: 'Milliseconds' },
              { Name: 'Requests', Unit: 'Count' },
              { Name: 'Errors', Unit: 'Count' },
              { Name: 'Status2xx', Unit: 'Count' },
              { Name: 'Status3xx', Unit: 'Count' },
              { Name: 'Status4xx', Unit: 'Count' },
              { Name: 'Status5xx', Unit: 'Count' },
            ],
          },
        ],
      },
    });
    expect(docs.find((d) => d.Method === 'POST')).toMatchObject({
      Latency: [1],
      Errors: 1,
      Requests: 1,
      Status2xx: 1,
    });
    metrics.flush();
    expect(docs).toHaveLength(2);
  });

  it('writes a batch as soon as it holds 100 requests, the rest at flush', () => {
    const { metrics, docs } = recorder();
    for (let i = 0; i < 250; i++) {
      metrics.record({ route: '/a', method: 'GET', statusCode: i < 100 ? 500 : 200, durationMs: i });
      if (i === 98) expect(docs).toHaveLength(0);
      if (i === 99) expect(docs).toHaveLength(1);
    }
    metrics.record({ route: '/b', method: 'GET', statusCode: 200, durationMs: 1 });
    expect(docs.map((d) => [d.Route, d.Requests, d.Errors, d.Status2xx, d.Status5xx])).toEqual([
      ['/a', 100, 100, 0, 100],
      ['/a', 100, 0, 100, 0],
    ]);
    expect(docs[0]!.Latency).toEqual(Array.from({ length: 100 }, (_, i) => quantizeLatency(i)));
    metrics.flush();
    expect(docs.slice(2).map((d) => [d.Route, (d.Latency as number[]).length, d.Requests])).toEqual([
      ['/a', 50, 50],
      ['/b', 1, 1],
    ]);
  });

  it('never puts more than 100 values in a document and loses no observation', () => {
    const observation = fc.record({
      route: fc.constantFrom('/a', '/b/:id', undefined),
      method: fc.constantFrom('GET', 'post', 'BREW'),
      statusCode: fc.constantFrom(200, 302, 404, 503),
      durationMs: fc.double({ min: -1, max: 60_000, noNaN: true }),
      failed: fc.boolean(),
      // A flush after about one request in 300, so most batches fill up to 100 before one.
      flushAfter: fc.nat({ max: 299 }),
    });
    fc.assert(
      fc.property(fc.array(observation, { maxLength: 1200, size: 'max' }), (observations) => {
        const { metrics, docs } = recorder();
        const expected = new Map<string, number[]>();
        for (const { flushAfter, ...o } of observations) {
          metrics.record(o);
          const key = `${o.method.toUpperCase() === 'BREW' ? 'OTHER' : o.method.toUpperCase()} ${o.route ?? '__unmatched__'}`;
          expected.set(key, [...(expected.get(key) ?? []), quantizeLatency(Math.max(0, o.durationMs))]);
          if (flushAfter === 0) metrics.flush();
        }
        metrics.flush();
        const written = new Map<string, number[]>();
        for (const doc of docs) {
          expectSpecShape(doc);
          const latency = doc.Latency as number[];
          expect(doc.Requests).toBe(latency.length);
          const key = `${doc.Method} ${doc.Route}`;
          written.set(key, [...(written.get(key) ?? []), ...latency]);
        }
        expect(written).toEqual(expected);
        const sum = (name: string) => docs.reduce((n, d) => n + (d[name] as number), 0);
        expect(sum('Requests')).toBe(observations.length);
        expect(sum('Errors')).toBe(observations.filter((o) => o.failed || o.statusCode === 503).length);
        expect(sum('Status4xx')).toBe(observations.filter((o) => o.statusCode === 404).length);
      }),
      // Shrinking 1000-request runs takes minutes; the first counterexample is readable enough.
      { numRuns: 40, endOnFailure: true },
    );
  });

  it('rejects a duration JSON cannot carry, and records nothing for it', () => {
    const { metrics, docs } = recorder();
    for (const durationMs of [Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => metrics.record({ route: '/a', method: 'GET', statusCode: 200, durationMs })).toThrow(
        `durationMs must be a finite number, got ${durationMs}`,
      );
    }
    metrics.flush();
    expect(docs).toHaveLength(0);
  });

  it('bounds route dimensions: unmatched bucket, overflow bucket, unknown methods', () => {
    const overflowed: string[] = [];
    const { metrics, docs } = recorder({ maxRoutes: 3, onOverflow: (route) => overflowed.push(route) });
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
    expect(overflowed).toEqual(['/r3', '/r4', '/r5', '/r6', '/r7', '/r8', '/r9']);
    expect(metrics.overflowCount).toBe(7);
  });

  it('says when routes overflow, once per window by default, and gives them their own metrics in the next window', () => {
    let now = 0;
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const { metrics, docs } = recorder({ maxRoutes: 1, routeWindowMs: 60_000, now: () => now });
      for (const route of ['/early', '/late', '/later'])
        metrics.record({ route, method: 'GET', statusCode: 200, durationMs: 1 });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]![0]).toMatch(/1 routes tracked \(maxRoutes\): "\/late"/);
      now = 60_000;
      metrics.record({ route: '/late', method: 'GET', statusCode: 200, durationMs: 1 });
      metrics.record({ route: '/later', method: 'GET', statusCode: 200, durationMs: 1 });
      metrics.flush();
      expect(docs.map((d) => `${d.Route} ${d.Requests}`).sort()).toEqual([
        '/early 1',
        '/late 1',
        '__overflow__ 3',
      ]);
      expect(warn).toHaveBeenCalledTimes(2);
    } finally {
      warn.mockRestore();
    }
  });

  it('survives a sink that throws: the document is dropped, counted and reported', () => {
    const failures: string[] = [];
    const metrics = createEndpointMetrics({
      flushIntervalMs: 0,
      sink: () => {
        throw new Error('disk full');
      },
      onSinkError: (error, doc) => failures.push(`${(error as Error).message} ${doc.Route}`),
    });
    for (let i = 0; i < EMF_MAX_VALUES; i++)
      metrics.record({ route: '/a', method: 'GET', statusCode: 200, durationMs: 1 });
    metrics.record({ route: '/b', method: 'GET', statusCode: 200, durationMs: 1 });
    expect(() => metrics.flush()).not.toThrow();
    expect(failures).toEqual(['disk full /a', 'disk full /b']);
    expect(metrics.droppedDocuments).toBe(2);
  });

  it('reports a throwing sink on stderr by default', () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const metrics = createEndpointMetrics({
        flushIntervalMs: 0,
        sink: () => {
          throw new TypeError('bad');
        },
      });
      metrics.record({ route: '/a', method: 'GET', statusCode: 200, durationMs: 1 });
      metrics.close();
      expect(error).toHaveBeenCalledWith(
        '[@misybot-ha/metrics] sink failed, EMF document dropped: TypeError: bad',
      );
    } finally {
      error.mockRestore();
    }
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
