import type { HealthCheck } from './check-schema';
import { type CheckResult, type Probe, type ProbeOutcome, ProbeTimeoutError, timeoutOutcome } from './probe';

/** How a round of probes runs. */
export interface RunnerOptions {
  /** Probes in flight at once. @default 64 */
  readonly concurrency?: number;
  /** Clock time (same clock as `now`) by which every result must be in. */
  readonly deadline: number;
  /** Monotonic milliseconds; latency and the deadline are measured on it. */
  readonly now: () => number;
  /** Aborts the whole round (e.g. the Lambda is about to time out). */
  readonly signal?: AbortSignal;
}

/** Every check's result, in the order of the checks given. */
export interface RoundResults {
  readonly results: readonly CheckResult[];
  readonly durationMs: number;
}

/** The default bound on probes in flight. */
export const DEFAULT_CONCURRENCY = 64;

// Less time than this left before the deadline cannot give any probe a fair chance.
const MIN_BUDGET_MS = 5;

/**
 * Runs every check's probe with at most `concurrency` in flight, each under its own timeout
 * (the check's `timeoutMs`, cut to the round deadline). A probe that hangs, ignores its signal
 * or throws costs only its own result, so the round takes about as long as its slowest probe.
 * Checks that cannot start before the deadline are returned as `unknown`.
 */
export async function runChecks(
  checks: readonly HealthCheck[],
  probe: Probe,
  options: RunnerOptions,
): Promise<RoundResults> {
  const { deadline, now, signal } = options;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
  const startedAt = now();
  const results: CheckResult[] = new Array(checks.length);
  let next = 0;

  const worker = async () => {
    for (let index = next++; index < checks.length; index = next++) {
      const check = checks[index]!;
      const start = now();
      const budget = deadline - start;
      if (signal?.aborted || budget < MIN_BUDGET_MS) {
        const error = signal?.aborted
          ? 'not run: the round was aborted'
          : 'not run: the round deadline passed';
        results[index] = record(check, start, 0, { status: 'unknown', error });
        continue;
      }
      const outcome = await probeWithin(check, probe, Math.min(check.timeoutMs, budget), signal);
      results[index] = record(check, start, now() - start, outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, checks.length) }, worker));
  return { results, durationMs: now() - startedAt };
}

function probeWithin(
  check: HealthCheck,
  probe: Probe,
  budgetMs: number,
  roundSignal: AbortSignal | undefined,
): Promise<ProbeOutcome> {
  const controller = new AbortController();
  return new Promise<ProbeOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: ProbeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      roundSignal?.removeEventListener('abort', onRoundAbort);
      resolve(outcome);
    };
    // A probe cut short by the round deadline did not get its full timeout, so that is no verdict.
    const reason = budgetMs < check.timeoutMs ? 'deadline' : 'timeout';
    const timer = setTimeout(() => {
      const error = new ProbeTimeoutError(check.id, budgetMs, reason);
      controller.abort(error);
      finish(
        reason === 'timeout' ? timeoutOutcome(check, error) : { status: 'unknown', error: error.message },
      );
    }, budgetMs);
    const onRoundAbort = () => {
      controller.abort(roundSignal?.reason);
      finish({ status: 'unknown', error: 'aborted with the round' });
    };
    roundSignal?.addEventListener('abort', onRoundAbort, { once: true });
    // Called inside a promise chain so a probe that throws synchronously is caught too.
    Promise.resolve()
      .then(() => probe(check, controller.signal))
      .then(
        (outcome) => finish(validOutcome(outcome)),
        (error: unknown) =>
          finish({
            status: 'unknown',
            error: `probe failed: ${error instanceof Error ? error.message : String(error)}`,
          }),
      );
  });
}

function validOutcome(outcome: ProbeOutcome | undefined): ProbeOutcome {
  if (outcome && (outcome.status === 'up' || outcome.status === 'down' || outcome.status === 'unknown'))
    return outcome;
  return { status: 'unknown', error: 'probe returned no verdict' };
}

function record(
  check: HealthCheck,
  startedAt: number,
  latencyMs: number,
  outcome: ProbeOutcome,
): CheckResult {
  return {
    ...outcome,
    checkId: check.id,
    component: check.component,
    kind: check.kind,
    startedAt,
    latencyMs: Math.max(0, Math.round(latencyMs)),
  };
}
