import { type HttpCheck, statusMatches } from '../../core/health/check-schema';
import type { ProbeOutcome } from '../../core/health/probe';
import { type PeerCertificate, sendProbeRequest } from './http-request';

/** Settings shared by every HTTP check the probe runs. */
export interface HttpProbeOptions {
  /** Extra CA certificates (PEM) to trust besides the system ones, e.g. an internal CA. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** @default 'misybot-ha-health/1.0' */
  readonly userAgent?: string;
  /** Wall-clock now, for the certificate's days to expiry. @default Date.now */
  readonly now?: () => number;
}

/**
 * The HTTP(S) probe (one request as `http-request.ts` makes it): judged by `expectedStatus` and
 * the body expectations; for HTTPS the peer certificate's expiry is reported, and warned about
 * within `tlsExpiryWarningDays`.
 */
export function createHttpProbe(
  options: HttpProbeOptions = {},
): (check: HttpCheck, signal: AbortSignal) => Promise<ProbeOutcome> {
  const now = options.now ?? Date.now;
  const userAgent = options.userAgent ?? 'misybot-ha-health/1.0';
  return async (check, signal) => {
    const response = await sendProbeRequest(
      {
        url: check.url,
        method: check.method,
        headers: check.headers,
        ...(check.body === undefined ? {} : { body: check.body }),
        maxBodyBytes: check.method === 'HEAD' ? 0 : check.maxBodyBytes,
        ...(options.ca ? { ca: options.ca } : {}),
        userAgent,
        now,
      },
      signal,
    );
    if (!response.ok) {
      return {
        status: 'down',
        error: response.error,
        ...(response.statusCode === undefined ? {} : { observed: { statusCode: response.statusCode } }),
      };
    }
    return judge(check, response.statusCode, response.body, response.certificate);
  };
}

function judge(
  check: HttpCheck,
  statusCode: number,
  body: Buffer,
  certificate?: PeerCertificate,
): ProbeOutcome {
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
