import {
  type HealthAnswer,
  judgeDependencyReport,
} from '../../../../functions/core/health/dependency-report';
import { platformHealthChecks } from '../../../../functions/core/health/platform-checks';
import { dispatchProbe } from '../../../../functions/core/health/probe';
import { runHealthRound } from '../../../../functions/core/health/service';
import { ManualClock, memoryHealthDeps } from './memory-ports';

/**
 * The platform's checks over one round after another, with every AWS API answering "available"
 * and the service's `/health` scripted: what the data-path checks add to what the APIs see.
 */
const config = platformHealthChecks({
  endpointUrl: 'https://api.example.com',
  healthCheckPath: '/health',
  targetGroupArns: ['arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/fleet/0123456789abcdef'],
  clusterIdentifier: 'misybot-db',
  replicationGroupId: 'misybot-cache',
});

function platform() {
  const service = {
    database: { status: 'up', latencyMs: 2 } as Record<string, unknown>,
    cache: { status: 'up', latencyMs: 1 } as Record<string, unknown>,
    statusCode: 200,
  };
  const fleetHealthy = { value: true };
  const healthAnswer = (): HealthAnswer => ({
    statusCode: service.statusCode,
    body: JSON.stringify({
      status: 'degraded',
      dependencies: { database: service.database, cache: service.cache },
    }),
    truncated: false,
  });
  const probe = dispatchProbe({
    // The public endpoint stays 200 while a dependency fails, by design.
    http: async () => ({ status: service.statusCode === 200 ? 'up' : 'down', error: 'HTTP 503' }),
    'alb-target-health': async () =>
      fleetHealthy.value ? { status: 'up' } : { status: 'down', error: '0 healthy targets, needs 1' },
    // The RDS and ElastiCache APIs keep saying "available".
    aurora: async () => ({ status: 'up' }),
    elasticache: async () => ({ status: 'up' }),
    dependency: async (check) => judgeDependencyReport(check, healthAnswer()),
  });
  const clock = new ManualClock();
  const deps = memoryHealthDeps(probe, clock);
  let n = 0;
  const round = async () => {
    const report = await runHealthRound(deps, config, { roundId: `r${n++}`, deadline: clock.now() + 5000 });
    clock.time += 10_000;
    return report;
  };
  const statusOf = (report: Awaited<ReturnType<typeof round>>, component: string) =>
    report.components.find((c) => c.component === component)?.status;
  return { service, fleetHealthy, deps, round, statusOf };
}

describe('the data path as the service reports it', () => {
  it('opens a database incident when the service reports the database down while the RDS API says available', async () => {
    const { service, deps, round, statusOf } = platform();
    await round();
    service.database = { status: 'down' };
    await round();
    const report = await round();
    expect(statusOf(report, 'database')).toBe('down');
    expect(statusOf(report, 'api')).toBe('healthy');
    expect(deps.notifier.sent.map((n) => [n.kind, n.component, n.severity])).toEqual([
      ['opened', 'database', 'critical'],
    ]);
    expect(deps.notifier.sent[0]!.reasons).toEqual([
      'The database as the service reports it (/health): the service reports database down',
    ]);
  });

  it('pages once for the database when the fleet fails because of it: the fleet incident is inhibited', async () => {
    const { service, fleetHealthy, deps, round } = platform();
    await round();
    service.database = { status: 'down' };
    fleetHealthy.value = false;
    for (let i = 0; i < 3; i++) await round();
    expect(deps.notifier.sent.map((n) => n.component)).toEqual(['database']);
    expect(deps.incidents.map.get('fleet')?.suppressed).toMatchObject({ by: 'inhibition', ref: 'database' });
  });

  it('opens a degraded cache incident when the service reports the cache slower than its bound while ElastiCache says available', async () => {
    const { service, deps, round, statusOf } = platform();
    await round();
    service.cache = { status: 'up', latencyMs: 740 };
    await round();
    const report = await round();
    expect(statusOf(report, 'cache')).toBe('degraded');
    expect(deps.notifier.sent.map((n) => [n.kind, n.component, n.severity])).toEqual([
      ['opened', 'cache', 'warning'],
    ]);
    expect(deps.notifier.sent[0]!.reasons).toEqual([
      'The cache as the service reports it (/health): cache answers in 740 ms, above 250 ms (as the service measures it)',
    ]);
  });

  it('does not blame the database when the service itself does not answer: the api pages, the database has no verdict', async () => {
    const { service, deps, round, statusOf } = platform();
    await round();
    await round();
    service.statusCode = 503;
    await round();
    const report = await round();
    expect(statusOf(report, 'api')).toBe('down');
    expect(statusOf(report, 'database')).toBe('healthy');
    expect(deps.notifier.sent.map((n) => n.component)).toEqual(['api']);
    const check = report.results.find((r) => r.checkId === 'database-data-path');
    expect(check).toMatchObject({ status: 'unknown' });
  });

  it('resolves the database incident once the service reports the database answering again', async () => {
    const { service, deps, round } = platform();
    await round();
    service.database = { status: 'down' };
    await round();
    await round();
    service.database = { status: 'up', latencyMs: 3 };
    await round();
    await round();
    expect(deps.notifier.sent.map((n) => [n.kind, n.component])).toEqual([
      ['opened', 'database'],
      ['resolved', 'database'],
    ]);
  });
});
