import type { HealthCheck } from '../../../../functions/core/health/check-schema';
import { rollupComponents } from '../../../../functions/core/health/rollup';
import {
  type CheckState,
  type CheckStatus,
  initialCheckState,
} from '../../../../functions/core/health/state-machine';
import { httpCheck } from './check-fixtures';

const components = [{ id: 'api', dependsOn: ['db'] }];

function rollup(
  checks: HealthCheck[],
  statuses: Record<string, CheckStatus>,
  extra: Partial<CheckState> = {},
) {
  const states = new Map(
    Object.entries(statuses).map(([id, status]) => [id, { ...initialCheckState(id, 0), status, ...extra }]),
  );
  return rollupComponents(components, checks, states)[0]!;
}

const a = httpCheck({ id: 'a', description: 'GET /health' });
const b = httpCheck({ id: 'b' });

describe('rollupComponents', () => {
  it('is healthy when every check is healthy, and carries the component’s dependencies', () => {
    expect(rollup([a, b], { a: 'healthy', b: 'healthy' })).toMatchObject({
      status: 'healthy',
      dependsOn: ['db'],
      reasons: [],
    });
  });

  it('is degraded when some checks are unhealthy and down when all with a verdict are', () => {
    expect(rollup([a, b], { a: 'healthy', b: 'unhealthy' }).status).toBe('degraded');
    expect(rollup([a, b], { a: 'unknown', b: 'unhealthy' }).status).toBe('down');
  });

  it('is down when a critical check is unhealthy even if others are healthy', () => {
    expect(rollup([{ ...a, critical: true }, b], { a: 'unhealthy', b: 'healthy' }).status).toBe('down');
  });

  it('is degraded, not down, while a check is flapping, and says alerts are held', () => {
    const health = rollup([a], { a: 'flapping' });
    expect(health.status).toBe('degraded');
    expect(health.reasons).toEqual(['GET /health: flapping (alerts held)']);
  });

  it('is degraded when a healthy check warns (a certificate about to expire)', () => {
    const warning = 'TLS certificate expires in 3 day(s) (2030-01-04T00:00:00.000Z)';
    const health = rollup(
      [a],
      { a: 'healthy' },
      { lastResult: { status: 'up', latencyMs: 3, at: 1, warning } },
    );
    expect(health.status).toBe('degraded');
    expect(health.reasons).toEqual([`GET /health: ${warning}`]);
  });

  it('is unknown when no check has a verdict, including checks never run', () => {
    expect(rollup([a, b], {}).status).toBe('unknown');
  });

  it('explains an unhealthy check with its last error', () => {
    const health = rollup(
      [a],
      { a: 'unhealthy' },
      {
        lastResult: { status: 'down', latencyMs: 1, at: 1, error: 'connection refused' },
      },
    );
    expect(health.reasons).toEqual(['GET /health: connection refused']);
    expect(health.checks[0]).toMatchObject({
      checkId: 'a',
      status: 'unhealthy',
      error: 'connection refused',
    });
  });
});
