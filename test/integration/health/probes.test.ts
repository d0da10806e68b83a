import { createHttpProbe } from '../../../functions/adapters/http/http-probe';
import { createTcpProbe } from '../../../functions/adapters/http/tcp-probe';
import type { HttpCheck } from '../../../functions/core/health/check-schema';
import { httpCheck, tcpCheck } from '../../functions/core/health/check-fixtures';
import { closedPort, type Running, selfSignedCertificate, startHttp, startHttps, startTcp } from './loopback';

let http: Running;
const probe = createHttpProbe();
const check = (path: string, extra: Partial<HttpCheck> = {}) =>
  httpCheck({ url: `http://127.0.0.1:${http.port}${path}`, ...extra });
const within = (ms: number) => AbortSignal.timeout(ms);

beforeAll(async () => {
  http = await startHttp();
});
afterAll(() => http.stop());

describe('HTTP probe against a real server', () => {
  it('is up on a healthy endpoint whose body matches, reporting the status code', async () => {
    const outcome = await probe(check('/ok', { bodyMatches: '"status"\\s*:\\s*"ok"' }), within(2000));
    expect(outcome).toEqual({ status: 'up', observed: { statusCode: 200, bodyBytes: 15 } });
  });

  it('is up on a slow endpoint that answers within the timeout', async () => {
    expect((await probe(check('/slow', { bodyContains: 'ok' }), within(2000))).status).toBe('up');
  });

  it('is down on a hanging endpoint once its signal aborts', async () => {
    const outcome = await probe(check('/hang'), within(100));
    expect(outcome).toEqual({ status: 'down', error: 'aborted (timeout)' });
  });

  it('is down on a status outside the expected range, saying which', async () => {
    const outcome = await probe(check('/error'), within(2000));
    expect(outcome).toMatchObject({ status: 'down', error: 'HTTP 500, expected 200-299' });
  });

  it('accepts the status when the matcher allows it', async () => {
    expect((await probe(check('/error', { expectedStatus: '200-299,500' }), within(2000))).status).toBe('up');
  });

  it('is down on a body without the expected text', async () => {
    const outcome = await probe(check('/wrong-body', { bodyContains: '"status":"ok"' }), within(2000));
    expect(outcome).toMatchObject({
      status: 'down',
      error: 'body does not contain "\\"status\\":\\"ok\\"" (21 bytes read)',
    });
  });

  it('reads no more than maxBodyBytes, so text beyond the cap does not count', async () => {
    const outcome = await probe(check('/big', { bodyContains: 'status', maxBodyBytes: 1024 }), within(2000));
    expect(outcome).toMatchObject({
      status: 'down',
      error: 'body does not contain "status" (1024 bytes read)',
    });
  });

  it('is down on connection refused', async () => {
    const port = await closedPort();
    const outcome = await probe(httpCheck({ url: `http://127.0.0.1:${port}/` }), within(2000));
    expect(outcome).toEqual({ status: 'down', error: 'connection refused' });
  });

  it('is down when the connection is reset mid-response', async () => {
    const outcome = await probe(check('/reset'), within(2000));
    expect(outcome).toMatchObject({
      status: 'down',
      error: 'HTTP 200, then connection reset by peer mid-response',
    });
  });
});

describe('HTTPS probe against a real server', () => {
  const tls = selfSignedCertificate(3);
  let https: Running;
  beforeAll(async () => {
    https = await startHttps(tls);
  });
  afterAll(() => https.stop());

  it('is up but warns when the certificate expires within the warning days', async () => {
    const outcome = await createHttpProbe({ ca: tls.cert })(
      httpCheck({ url: `https://127.0.0.1:${https.port}/ok`, tlsExpiryWarningDays: 14 }),
      within(2000),
    );
    expect(outcome.status).toBe('up');
    expect(outcome.warning).toMatch(/^TLS certificate expires in [23] day\(s\) \(\d{4}-\d\d-\d\dT/);
    expect(outcome.observed?.certificateDaysLeft).toBeGreaterThanOrEqual(2);
  });

  it('does not warn when expiry is further away than the warning days', async () => {
    const outcome = await createHttpProbe({ ca: tls.cert })(
      httpCheck({ url: `https://127.0.0.1:${https.port}/ok`, tlsExpiryWarningDays: 1 }),
      within(2000),
    );
    expect(outcome).toMatchObject({ status: 'up' });
    expect(outcome.warning).toBeUndefined();
  });

  it('is down when the certificate is not trusted', async () => {
    const outcome = await probe(httpCheck({ url: `https://127.0.0.1:${https.port}/ok` }), within(2000));
    expect(outcome).toEqual({ status: 'down', error: 'TLS certificate is self-signed and not trusted' });
  });
});

describe('TCP probe against a real server', () => {
  let server: Running;
  const probe = createTcpProbe();
  beforeAll(async () => {
    server = await startTcp();
  });
  afterAll(() => server.stop());

  it('is up when the port accepts a connection', async () => {
    expect(await probe(tcpCheck({ port: server.port }), AbortSignal.timeout(2000))).toEqual({ status: 'up' });
  });

  it('is down on connection refused, naming the address', async () => {
    const port = await closedPort();
    expect(await probe(tcpCheck({ port }), AbortSignal.timeout(2000))).toEqual({
      status: 'down',
      error: `127.0.0.1:${port}: connection refused`,
    });
  });

  it('does not connect once its signal has aborted', async () => {
    const signal = AbortSignal.abort();
    expect(await probe(tcpCheck({ port: server.port }), signal)).toEqual({
      status: 'down',
      error: 'aborted before connecting',
    });
  });
});
