import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { type HttpCheck, statusMatches } from '../../core/health/check-schema';
import type { ProbeOutcome } from '../../core/health/probe';
import { describeNetworkError } from './tcp-probe';

/** Settings shared by every HTTP check the probe runs. */
export interface HttpProbeOptions {
  /** Extra CA certificates (PEM) to trust besides the system ones, e.g. an internal CA. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** @default 'misybot-ha-health/1.0' */
  readonly userAgent?: string;
  /** Wall-clock now, for the certificate's days to expiry. @default Date.now */
  readonly now?: () => number;
}

const DAY_MS = 86_400_000;

/**
 * The HTTP(S) probe. Each request uses a fresh connection (no keep-alive pool: a probe must see
 * connect and TLS failures), does not follow redirects (a 3xx is judged by `expectedStatus`),
 * and reads at most `maxBodyBytes` of the body. A response cut short is a failure. For HTTPS the
 * peer certificate's expiry is reported, and warned about within `tlsExpiryWarningDays`.
 */
export function createHttpProbe(
  options: HttpProbeOptions = {},
): (check: HttpCheck, signal: AbortSignal) => Promise<ProbeOutcome> {
  const now = options.now ?? Date.now;
  const userAgent = options.userAgent ?? 'misybot-ha-health/1.0';
  return (check, signal) =>
    new Promise<ProbeOutcome>((resolve) => {
      if (signal.aborted) return resolve({ status: 'down', error: 'aborted before the request' });
      const url = new URL(check.url);
      const secure = url.protocol === 'https:';
      let done = false;
      const finish = (outcome: ProbeOutcome) => {
        if (done) return;
        done = true;
        req.destroy();
        resolve(outcome);
      };
      const request = secure ? httpsRequest : httpRequest;
      const req = request(url, {
        method: check.method,
        headers: { 'user-agent': userAgent, ...check.headers },
        agent: false,
        signal,
        ...(secure && options.ca ? { ca: options.ca as string | Buffer | (string | Buffer)[] } : {}),
      });
      let received: number | undefined;
      req.once('error', (error) =>
        finish(
          received === undefined
            ? { status: 'down', error: describeNetworkError(error) }
            : {
                status: 'down',
                error: `HTTP ${received}, then ${describeNetworkError(error)} mid-response`,
                observed: { statusCode: received },
              },
        ),
      );
      req.once('response', (response) => {
        received = response.statusCode ?? 0;
        const certificate = secure ? certificateDaysLeft(response, now()) : undefined;
        readBody(response, check.method === 'HEAD' ? 0 : check.maxBodyBytes).then(
          (body) => finish(judge(check, response.statusCode ?? 0, body, certificate)),
          (error: unknown) =>
            finish({
              status: 'down',
              error: `HTTP ${response.statusCode}, then ${describeNetworkError(error)} mid-response`,
              observed: { statusCode: response.statusCode ?? 0 },
            }),
        );
      });
      req.end(check.body);
    });
}

interface Certificate {
  readonly daysLeft: number;
  readonly validTo: string;
}

function certificateDaysLeft(response: IncomingMessage, now: number): Certificate | undefined {
  const peer = (response.socket as TLSSocket).getPeerCertificate?.();
  if (!peer?.valid_to) return undefined;
  const validTo = Date.parse(peer.valid_to);
  if (Number.isNaN(validTo)) return undefined;
  return { daysLeft: Math.floor((validTo - now) / DAY_MS), validTo: new Date(validTo).toISOString() };
}

/** Reads up to `cap` bytes, then stops reading; rejects if the body ends abnormally before that. */
function readBody(response: IncomingMessage, cap: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      response.removeAllListeners('data');
      response.destroy();
      resolve(Buffer.concat(chunks).subarray(0, cap));
    };
    if (cap === 0) {
      response.resume();
    }
    response.on('data', (chunk: Buffer) => {
      if (cap === 0) return;
      chunks.push(chunk);
      size += chunk.length;
      if (size >= cap) stop();
    });
    response.once('end', () => resolve(Buffer.concat(chunks)));
    response.once('error', reject);
    // Node ends a reset response with 'close' and no 'end'; `complete` tells the two apart.
    response.once('close', () => {
      if (!response.complete) reject(Object.assign(new Error('response cut short'), { code: 'ECONNRESET' }));
    });
  });
}

function judge(check: HttpCheck, statusCode: number, body: Buffer, certificate?: Certificate): ProbeOutcome {
  const observed: Record<string, number> = { statusCode, bodyBytes: body.length };
  if (certificate) observed.certificateDaysLeft = certificate.daysLeft;
  const warning =
    certificate && certificate.daysLeft <= check.tlsExpiryWarningDays
      ? `TLS certificate expires in ${certificate.daysLeft} day(s) (${certificate.validTo})`
      : undefined;
  const withWarning = warning === undefined ? {} : { warning };
  if (!statusMatches(check.expectedStatus, statusCode)) {
    return {
      status: 'down',
      error: `HTTP ${statusCode}, expected ${check.expectedStatus}`,
      observed,
      ...withWarning,
    };
  }
  const text = body.toString('utf8');
  if (check.bodyContains !== undefined && !text.includes(check.bodyContains)) {
    const what = JSON.stringify(check.bodyContains);
    return {
      status: 'down',
      error: `body does not contain ${what} (${body.length} bytes read)`,
      observed,
      ...withWarning,
    };
  }
  if (check.bodyMatches !== undefined && !new RegExp(check.bodyMatches).test(text)) {
    return {
      status: 'down',
      error: `body does not match /${check.bodyMatches}/ (${body.length} bytes read)`,
      observed,
      ...withWarning,
    };
  }
  return { status: 'up', observed, ...withWarning };
}
