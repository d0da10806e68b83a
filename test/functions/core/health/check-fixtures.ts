import type {
  DependencyCheck,
  HealthCheck,
  HttpCheck,
  TcpCheck,
} from '../../../../functions/core/health/check-schema';
import type {
  ComponentCheck,
  ComponentHealth,
  ComponentStatus,
} from '../../../../functions/core/health/rollup';

/** An HTTP check with every field resolved, for tests that need a check but not a file. */
export function httpCheck(overrides: Partial<HttpCheck> = {}): HttpCheck {
  return {
    id: 'api-health',
    component: 'api',
    kind: 'http',
    url: 'http://127.0.0.1:8080/health',
    method: 'GET',
    headers: {},
    expectedStatus: '200-299',
    maxBodyBytes: 65_536,
    tlsExpiryWarningDays: 14,
    critical: false,
    timeoutMs: 1000,
    failureThreshold: 2,
    successThreshold: 2,
    ...overrides,
  };
}

/** A TCP check with every field resolved. */
export function tcpCheck(overrides: Partial<TcpCheck> = {}): TcpCheck {
  return {
    id: 'redis-port',
    component: 'cache',
    kind: 'tcp',
    host: '127.0.0.1',
    port: 6380,
    critical: false,
    timeoutMs: 1000,
    failureThreshold: 2,
    successThreshold: 2,
    ...overrides,
  };
}

/** A dependency check with every field resolved: the database as the service reports it. */
export function dependencyCheck(overrides: Partial<DependencyCheck> = {}): DependencyCheck {
  return {
    id: 'database-data-path',
    component: 'database',
    kind: 'dependency',
    url: 'http://127.0.0.1:8080/health',
    dependency: 'database',
    maxLatencyMs: 200,
    headers: {},
    maxBodyBytes: 65_536,
    critical: true,
    timeoutMs: 1000,
    failureThreshold: 2,
    successThreshold: 2,
    ...overrides,
  };
}

/** `count` HTTP checks named `c0`, `c1`, … with the given timeout. */
export function manyChecks(count: number, timeoutMs: number): HealthCheck[] {
  return Array.from({ length: count }, (_, i) => httpCheck({ id: `c${i}`, timeoutMs }));
}

/** A component's health as the rollup would report it. */
export function componentHealth(
  component: string,
  status: ComponentStatus,
  options: { dependsOn?: string[]; checks?: ComponentCheck[] } = {},
): ComponentHealth {
  const checks = options.checks ?? [
    {
      checkId: `${component}-check`,
      description: `${component} check`,
      status: status === 'healthy' ? 'healthy' : status === 'unknown' ? 'unknown' : 'unhealthy',
      critical: false,
      ...(status === 'healthy' || status === 'unknown' ? {} : { error: 'HTTP 503, expected 200-299' }),
    },
  ];
  return {
    component,
    status,
    dependsOn: options.dependsOn ?? [],
    checks,
    reasons: checks
      .filter((c) => c.status !== 'healthy')
      .map((c) => `${c.description}: ${c.error ?? c.status}`),
  };
}
