import type { DependencyCheck } from '../../core/health/check-schema';
import { judgeDependencyReport } from '../../core/health/dependency-report';
import type { ProbeOutcome } from '../../core/health/probe';
import { type ProbeRequest, type ProbeResponse, sendProbeRequest } from './http-request';

/** Settings shared by every dependency check the probe runs. */
export interface DependencyProbeOptions {
  /** Extra CA certificates (PEM) to trust besides the system ones, e.g. an internal CA. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** @default 'misybot-ha-health/1.0' */
  readonly userAgent?: string;
}

/**
 * The `dependency` probe: fetches the service's health URL and lets the core judge the entry
 * for the check's dependency (`judgeDependencyReport`). Checks of one round that read the same
 * URL (the platform's database and cache checks both read `/health`) share one request while it
 * is in flight, so the service is asked once per round and both verdicts come from the same
 * instance's report. A service that cannot be asked is no verdict on the dependency.
 */
export function createDependencyProbe(
  options: DependencyProbeOptions = {},
): (check: DependencyCheck, signal: AbortSignal) => Promise<ProbeOutcome> {
  const userAgent = options.userAgent ?? 'misybot-ha-health/1.0';
  const flights = new SharedRequests();
  return async (check, signal) => {
    const request: ProbeRequest = {
      url: check.url,
      headers: check.headers,
      // One byte past the cap tells a body that ends there from one that goes on.
      maxBodyBytes: check.maxBodyBytes + 1,
      ...(options.ca ? { ca: options.ca } : {}),
      userAgent,
      now: Date.now,
    };
    const response = await flights.join(request, signal);
    if (!response.ok) {
      return {
        status: 'unknown',
        error: `the service's health endpoint could not be asked (${response.error}): no verdict on ${check.dependency}`,
      };
    }
    return judgeDependencyReport(check, {
      statusCode: response.statusCode,
      body: response.body.subarray(0, check.maxBodyBytes).toString('utf8'),
      truncated: response.body.length > check.maxBodyBytes,
    });
  };
}

interface Flight {
  readonly response: Promise<ProbeResponse>;
  readonly controller: AbortController;
  waiting: number;
}

/**
 * Identical requests in flight at once, sent once. The request is aborted when every check
 * waiting for it has given up; each waiter gives up on its own signal.
 */
class SharedRequests {
  private readonly flights = new Map<string, Flight>();

  join(request: ProbeRequest, signal: AbortSignal): Promise<ProbeResponse> {
    if (signal.aborted) return Promise.resolve({ ok: false, error: 'aborted before the request' });
    const key = JSON.stringify([request.url, request.headers, request.maxBodyBytes]);
    let flight = this.flights.get(key);
    if (flight === undefined) {
      const controller = new AbortController();
      const started: Flight = {
        controller,
        waiting: 0,
        response: sendProbeRequest(request, controller.signal).finally(() => this.forget(key, started)),
      };
      flight = started;
      this.flights.set(key, flight);
    }
    const joined = flight;
    joined.waiting++;
    return new Promise<ProbeResponse>((resolve) => {
      const onAbort = () => {
        joined.waiting--;
        if (joined.waiting === 0) {
          this.forget(key, joined);
          joined.controller.abort(signal.reason);
        }
        resolve({ ok: false, error: 'aborted (timeout)' });
      };
      signal.addEventListener('abort', onAbort, { once: true });
      joined.response.then((response) => {
        signal.removeEventListener('abort', onAbort);
        resolve(response);
      });
    });
  }

  private forget(key: string, flight: Flight): void {
    if (this.flights.get(key) === flight) this.flights.delete(key);
  }
}
