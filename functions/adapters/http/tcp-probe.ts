import { connect } from 'node:net';
import type { TcpCheck } from '../../core/health/check-schema';
import type { ProbeOutcome } from '../../core/health/probe';

/**
 * The TCP probe: the check is up when a connection to `host:port` is accepted. It is closed at
 * once without sending anything, so probing a database or Redis port costs the server nothing.
 */
export function createTcpProbe(): (check: TcpCheck, signal: AbortSignal) => Promise<ProbeOutcome> {
  return (check, signal) =>
    new Promise<ProbeOutcome>((resolve) => {
      if (signal.aborted) return resolve({ status: 'down', error: 'aborted before connecting' });
      const socket = connect({ host: check.host, port: check.port });
      let done = false;
      const finish = (outcome: ProbeOutcome) => {
        if (done) return;
        done = true;
        signal.removeEventListener('abort', onAbort);
        socket.destroy();
        resolve(outcome);
      };
      const onAbort = () =>
        finish({ status: 'down', error: `no connection to ${check.host}:${check.port} (aborted)` });
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('connect', () => finish({ status: 'up' }));
      socket.once('error', (error) =>
        finish({ status: 'down', error: `${check.host}:${check.port}: ${describeNetworkError(error)}` }),
      );
    });
}

// Socket and TLS errors in words an on-call engineer acts on; the HTTP probe shares them.

const BY_CODE: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  EPIPE: 'connection closed while sending',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'DNS lookup failed (no such host)',
  EAI_AGAIN: 'DNS lookup failed (temporary)',
  CERT_HAS_EXPIRED: 'TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate is self-signed and not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate chain has an untrusted self-signed certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate cannot be verified (unknown issuer)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host name',
  ABORT_ERR: 'aborted (timeout)',
  HPE_INVALID_CONSTANT: 'response is not valid HTTP',
  HPE_INVALID_STATUS: 'response is not valid HTTP',
};

/** A short description of a network error, with the code when it is not a known one. */
export function describeNetworkError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    const known = BY_CODE[code];
    if (known) return known;
    const message = error instanceof Error ? error.message : String(error);
    return message.includes(code) ? message : `${message} (${code})`;
  }
  if (error instanceof Error && error.name === 'AbortError') return 'aborted (timeout)';
  return error instanceof Error ? error.message : String(error);
}
