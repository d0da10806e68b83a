import type { CheckKind, HealthCheck } from './check-schema';

/**
 * What one probe saw. `up` and `down` are verdicts; `unknown` means the probe could not tell
 * (throttled monitoring API, no time left in the round) and moves neither threshold.
 */
export type ProbeStatus = 'up' | 'down' | 'unknown';

/** A probe's answer for one check. */
export interface ProbeOutcome {
  readonly status: ProbeStatus;
  /** Why the check is down or unknown, in words an operator can act on. */
  readonly error?: string;
  /** Set on an `up` outcome that still needs attention (certificate about to expire, reader lag). */
  readonly warning?: string;
  /** Numbers worth a metric: `statusCode`, `certificateDaysLeft`, `healthyTargets`, … */
  readonly observed?: Readonly<Record<string, number>>;
}

/**
 * The port the runner calls: probe one check, giving up when `signal` aborts. A probe should
 * resolve rather than reject; a rejection is recorded as `unknown`.
 */
export type Probe = (check: HealthCheck, signal: AbortSignal) => Promise<ProbeOutcome>;

/** One probe per check kind; kinds left out are answered `unknown` ("no probe for …"). */
export type ProbeSet = {
  readonly [K in CheckKind]?: (
    check: Extract<HealthCheck, { kind: K }>,
    signal: AbortSignal,
  ) => Promise<ProbeOutcome>;
};

/** A check's result in one round, as the runner records it. */
export interface CheckResult extends ProbeOutcome {
  readonly checkId: string;
  readonly component: string;
  readonly kind: CheckKind;
  /** Clock time the probe started. */
  readonly startedAt: number;
  readonly latencyMs: number;
}

/** Routes each check to the probe for its kind. */
export function dispatchProbe(probes: ProbeSet): Probe {
  return (check, signal) => {
    const probe = probes[check.kind] as
      | ((check: HealthCheck, signal: AbortSignal) => Promise<ProbeOutcome>)
      | undefined;
    if (probe === undefined) {
      return Promise.resolve({ status: 'unknown', error: `no probe for kind "${check.kind}" here` });
    }
    return probe(check, signal);
  };
}

/** Why a probe gave up: its own timeout or the round's deadline. */
export class ProbeTimeoutError extends Error {
  override readonly name = 'ProbeTimeoutError';

  constructor(
    readonly checkId: string,
    readonly afterMs: number,
    readonly reason: 'timeout' | 'deadline',
    options?: ErrorOptions,
  ) {
    super(
      reason === 'timeout'
        ? `timed out after ${Math.round(afterMs)} ms`
        : `cut short after ${Math.round(afterMs)} ms by the round deadline`,
      options,
    );
  }
}

/**
 * The verdict a probe's own timeout carries: `down`, except for a `dependency` check. It asks the
 * service about a dependency, and a service that does not answer says nothing about the
 * dependency: the endpoint's own check judges the service, and a `down` here would blame (and,
 * by inhibition, page for) the dependency instead.
 */
export function timeoutOutcome(check: HealthCheck, error: ProbeTimeoutError): ProbeOutcome {
  if (check.kind !== 'dependency') return { status: 'down', error: error.message };
  return {
    status: 'unknown',
    error: `the service's health endpoint ${error.message}: no verdict on ${check.dependency}`,
  };
}
