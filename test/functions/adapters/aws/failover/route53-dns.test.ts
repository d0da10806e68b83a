import {
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  Route53Client,
  UpdateHealthCheckCommand,
} from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { checkersHealthy, Route53Dns } from '../../../../../functions/adapters/aws/failover/route53-dns';
import { SteppingClock, sdkError } from './clock';

const client = new Route53Client({ region: 'us-east-1', maxAttempts: 1 });
const route53 = mockClient(client);
const T = Date.UTC(2026, 0, 1);
const observations = (statuses: string[]) => ({
  HealthCheckObservations: statuses.map((Status) => ({
    Region: 'us-east-1' as const,
    StatusReport: { Status },
  })),
});
const healthCheck = (Inverted: boolean, HealthCheckVersion = 7) => ({
  HealthCheck: {
    Id: 'hc-primary',
    CallerReference: 'ref',
    HealthCheckVersion,
    HealthCheckConfig: { Type: 'HTTPS' as const, Inverted },
  },
});

let clock: SteppingClock;
let dns: Route53Dns;
beforeEach(() => {
  route53.reset();
  clock = new SteppingClock(T);
  dns = new Route53Dns(
    client,
    { primaryHealthCheckId: 'hc-primary', secondaryHealthCheckId: 'hc-secondary', pollIntervalMs: 5000 },
    clock,
  );
});

describe('Route53Dns', () => {
  it('inverts the primary health check with the version it just read', async () => {
    route53.on(GetHealthCheckCommand).resolves(healthCheck(false, 7));
    route53.on(UpdateHealthCheckCommand).resolves({});
    await expect(dns.setInverted(true, T + 60_000)).resolves.toMatchObject({ ok: true });
    expect(route53.commandCalls(UpdateHealthCheckCommand).map((c) => c.args[0].input)).toEqual([
      { HealthCheckId: 'hc-primary', HealthCheckVersion: 7, Inverted: true },
    ]);
  });

  it('restores Inverted false on failback and leaves a check already in that state alone', async () => {
    route53.on(GetHealthCheckCommand).resolvesOnce(healthCheck(true, 8)).resolves(healthCheck(false, 9));
    route53.on(UpdateHealthCheckCommand).resolves({});
    await dns.setInverted(false, T + 60_000);
    await dns.setInverted(false, T + 60_000);
    expect(route53.commandCalls(UpdateHealthCheckCommand).map((c) => c.args[0].input)).toEqual([
      { HealthCheckId: 'hc-primary', HealthCheckVersion: 8, Inverted: false },
    ]);
  });

  it('reports PriorRequestNotComplete as pending and not accepted', async () => {
    route53.on(GetHealthCheckCommand).resolves(healthCheck(false));
    route53.on(UpdateHealthCheckCommand).rejects(sdkError('PriorRequestNotComplete', 'still processing'));
    await expect(dns.setInverted(true, T + 60_000)).resolves.toEqual({
      ok: false,
      failure: 'prior-request-pending',
      message: 'PriorRequestNotComplete: still processing',
      accepted: false,
    });
  });

  it('reports throttling as throttled, and a timed-out update as possibly applied', async () => {
    route53.on(GetHealthCheckCommand).resolves(healthCheck(false));
    route53
      .on(UpdateHealthCheckCommand)
      .rejectsOnce(sdkError('ThrottlingException', 'Rate exceeded'))
      .rejects(sdkError('TimeoutError', 'socket timeout', 0));
    await expect(dns.setInverted(true, T + 60_000)).resolves.toMatchObject({
      failure: 'throttled',
      accepted: false,
    });
    await expect(dns.setInverted(true, T + 60_000)).resolves.toMatchObject({
      failure: 'timeout',
      accepted: true,
    });
  });

  it('verifies routing from the inversion and the checkers, polling until Route 53 agrees', async () => {
    route53.on(GetHealthCheckCommand).resolvesOnce(healthCheck(false)).resolves(healthCheck(true));
    route53
      .on(GetHealthCheckStatusCommand)
      .resolves(observations(['Success: HTTP Status Code 200, OK', 'Success: HTTP Status Code 200, OK']));
    await expect(dns.verifyRouting('secondary', T + 60_000)).resolves.toMatchObject({ ok: true });
    expect(clock.sleeps).toEqual([5000]);
    expect(route53.commandCalls(GetHealthCheckStatusCommand)[0]!.args[0].input).toEqual({
      HealthCheckId: 'hc-primary',
    });
  });

  it('times out when routing never reaches the expected side before the deadline', async () => {
    route53.on(GetHealthCheckCommand).resolves(healthCheck(false));
    route53.on(GetHealthCheckStatusCommand).resolves(observations(['Success: HTTP Status Code 200, OK']));
    await expect(dns.verifyRouting('secondary', T + 20_000)).resolves.toMatchObject({
      ok: false,
      failure: 'timeout',
      message: 'deadline passed: Route 53 still routes to the primary',
    });
  });

  it('observes both endpoints through their health checks', async () => {
    route53
      .on(GetHealthCheckStatusCommand, { HealthCheckId: 'hc-primary' })
      .resolves(observations(['Failure: Connection timed out']));
    route53
      .on(GetHealthCheckStatusCommand, { HealthCheckId: 'hc-secondary' })
      .resolves(observations(['Success: HTTP Status Code 200, OK']));
    route53.on(GetHealthCheckCommand, { HealthCheckId: 'hc-primary' }).resolves(healthCheck(false, 4));
    await expect(dns.observe()).resolves.toEqual({
      primary: { id: 'primary', healthy: false },
      standbys: [{ id: 'secondary', healthy: true }],
      usersReachPrimary: false,
    });
  });

  it('observes that users are sent to the secondary while a healthy primary is inverted', async () => {
    route53.on(GetHealthCheckStatusCommand).resolves(observations(['Success: HTTP Status Code 200, OK']));
    route53.on(GetHealthCheckCommand, { HealthCheckId: 'hc-primary' }).resolves(healthCheck(true, 2));
    await expect(dns.observe()).resolves.toMatchObject({
      primary: { id: 'primary', healthy: true },
      usersReachPrimary: false,
    });
    route53.on(GetHealthCheckCommand, { HealthCheckId: 'hc-primary' }).resolves(healthCheck(false, 3));
    await expect(dns.observe()).resolves.toMatchObject({ usersReachPrimary: true });
  });

  it('counts an endpoint healthy when more than 18% of checkers say so', () => {
    const reports = (ok: number, total: number) =>
      Array.from({ length: total }, (_, i) => ({
        StatusReport: { Status: i < ok ? 'Success: 200' : 'Failure: 503' },
      }));
    expect(checkersHealthy(reports(2, 10))).toBe(true);
    expect(checkersHealthy(reports(1, 10))).toBe(false);
    expect(checkersHealthy([])).toBe(false);
  });
});
