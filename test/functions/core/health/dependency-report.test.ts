import {
  type HealthAnswer,
  judgeDependencyReport,
} from '../../../../functions/core/health/dependency-report';
import { dependencyCheck } from './check-fixtures';

const answer = (body: unknown, statusCode = 200): HealthAnswer => ({
  statusCode,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  truncated: false,
});
const report = (dependencies: Record<string, unknown>) => answer({ status: 'degraded', dependencies });
const EXPECTED = '(expected {"dependencies": {"database": {"status": "up", "latencyMs": …}}})';

describe('judgeDependencyReport', () => {
  it('is up when the service reports the dependency up within its bound, with both latencies observed', () => {
    const outcome = judgeDependencyReport(
      dependencyCheck(),
      report({ database: { status: 'up', latencyMs: 3 }, cache: { status: 'down' } }),
    );
    expect(outcome).toEqual({ status: 'up', observed: { statusCode: 200, dependencyLatencyMs: 3 } });
  });

  it('judges only its own dependency: the cache being down leaves the database check up', () => {
    const outcome = judgeDependencyReport(
      dependencyCheck(),
      report({ database: { status: 'up' }, cache: { status: 'down' } }),
    );
    expect(outcome.status).toBe('up');
  });

  it('is down when the service reports the database down, naming the service as the witness', () => {
    const outcome = judgeDependencyReport(dependencyCheck(), report({ database: { status: 'down' } }));
    expect(outcome).toEqual({
      status: 'down',
      error: 'the service reports database down',
      observed: { statusCode: 200 },
    });
  });

  it("quotes the service's own error when its report carries one", () => {
    const outcome = judgeDependencyReport(
      dependencyCheck(),
      report({ database: { status: 'down', error: 'no answer within 1000 ms' } }),
    );
    expect(outcome.error).toBe('the service reports database down: no answer within 1000 ms');
  });

  it('is down on any status that is not an answering one, quoting it', () => {
    const outcome = judgeDependencyReport(dependencyCheck(), report({ database: { status: 'degraded' } }));
    expect(outcome).toMatchObject({ status: 'down', error: 'the service reports database "degraded"' });
    for (const status of ['up', 'OK', 'healthy', 'pass'])
      expect(judgeDependencyReport(dependencyCheck(), report({ database: { status } })).status).toBe('up');
  });

  it('is down when the dependency answers slower than maxLatencyMs, saying how slow against what', () => {
    const outcome = judgeDependencyReport(
      dependencyCheck({ dependency: 'cache', maxLatencyMs: 200 }),
      report({ cache: { status: 'up', latencyMs: 740 } }),
    );
    expect(outcome).toEqual({
      status: 'down',
      error: 'cache answers in 740 ms, above 200 ms (as the service measures it)',
      observed: { statusCode: 200, dependencyLatencyMs: 740 },
    });
  });

  it('does not judge speed without maxLatencyMs, nor an answer exactly at the bound', () => {
    const { maxLatencyMs: _, ...unbounded } = dependencyCheck();
    expect(
      judgeDependencyReport(unbounded, report({ database: { status: 'up', latencyMs: 9000 } })).status,
    ).toBe('up');
    expect(
      judgeDependencyReport(
        dependencyCheck({ maxLatencyMs: 200 }),
        report({ database: { status: 'up', latencyMs: 200 } }),
      ).status,
    ).toBe('up');
  });

  it('gives no verdict when the endpoint does not answer 2xx: the service said nothing about the dependency', () => {
    const outcome = judgeDependencyReport(dependencyCheck(), answer('Service Unavailable', 503));
    expect(outcome).toEqual({
      status: 'unknown',
      error:
        "the service's health endpoint answered HTTP 503, expected 2xx with its dependencies: no verdict on database",
      observed: { statusCode: 503 },
    });
  });

  it('is down on a body that is not JSON, quoting its start and naming the shape expected', () => {
    const outcome = judgeDependencyReport(
      dependencyCheck(),
      answer('<html>\n  <body>Bad gateway</body></html>'),
    );
    expect(outcome).toEqual({
      status: 'down',
      error: `the health body is not JSON: "<html> <body>Bad gateway</body></html>" ${EXPECTED}`,
      observed: { statusCode: 200 },
    });
  });

  it('is down on a JSON body without a "dependencies" object', () => {
    for (const body of [{ status: 'ok' }, [1, 2], 'null', { dependencies: ['database'] }]) {
      expect(judgeDependencyReport(dependencyCheck(), answer(body)).error).toBe(
        `the health body has no "dependencies" object ${EXPECTED}`,
      );
    }
  });

  it('is down when the dependency is not reported, listing the keys that are (a mistyped key is loud)', () => {
    const outcome = judgeDependencyReport(
      dependencyCheck({ dependency: 'databse' }),
      report({ database: { status: 'up' }, cache: { status: 'up' } }),
    );
    expect(outcome.status).toBe('down');
    expect(outcome.error).toMatch(
      /^the health body reports no "databse" under "dependencies" \(it lists: database, cache\)/,
    );
  });

  it('is down on an entry without a status string or with a latency that is not milliseconds', () => {
    expect(judgeDependencyReport(dependencyCheck(), report({ database: 'up' })).error).toBe(
      `dependencies.database has no "status" string ${EXPECTED}`,
    );
    expect(
      judgeDependencyReport(dependencyCheck(), report({ database: { status: 'up', latencyMs: '3 ms' } }))
        .error,
    ).toBe(`dependencies.database.latencyMs is not a number of milliseconds ${EXPECTED}`);
  });

  it('is down on a body longer than maxBodyBytes rather than judging part of it', () => {
    const outcome = judgeDependencyReport(dependencyCheck({ maxBodyBytes: 256 }), {
      statusCode: 200,
      body: '{"dependencies":',
      truncated: true,
    });
    expect(outcome.error).toBe(`the health body is longer than 256 bytes ${EXPECTED}`);
  });
});
