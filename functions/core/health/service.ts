import type { AlertDeps, AlertReport } from '../alerting/service';
import { routeComponentAlerts } from '../alerting/service';
import type { HealthCheckConfig } from './health-config';
import type { CheckResult, Probe } from './probe';
import type { ComponentHealth } from './rollup';
import { rollupComponents } from './rollup';
import { planRounds } from './rounds';
import { runChecks } from './runner';
import { advanceCheckState, type CheckState, type CheckTransition, type StatePolicy } from './state-machine';

/** Where check states live (the state table). Writes are conditional on the version read. */
export interface CheckStateStore {
  /** The stored state of each check that has one. */
  load(checkIds: readonly string[]): Promise<Map<string, CheckState>>;
  /**
   * Stores `state` with version `(expectedVersion ?? 0) + 1` if the stored one still has
   * `expectedVersion` (`undefined`: none stored).
   * @returns false when another writer got there first.
   */
  save(state: CheckState, expectedVersion: number | undefined): Promise<boolean>;
}

/** Wall-clock time in epoch milliseconds, and a way to wait for it. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The ports a health-check run uses. */
export interface HealthDeps extends AlertDeps {
  readonly probe: Probe;
  readonly checkStates: CheckStateStore;
  readonly clock: Clock;
}

/** Per-run settings that do not come from the checks file. */
export interface RoundOptions {
  /** Labels on every alert, e.g. `{ platform: 'misybot', stage: 'prod' }`. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Probes in flight at once. @default 64 */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
}

/** Everything one round saw and did; the handler turns it into metrics and logs. */
export interface RoundReport {
  readonly roundId: string;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly results: readonly CheckResult[];
  readonly states: readonly CheckState[];
  readonly transitions: readonly CheckTransition[];
  readonly components: readonly ComponentHealth[];
  readonly alerts: AlertReport;
  /** Check states that could not be saved (they are re-read and re-applied next round). */
  readonly errors: readonly string[];
}

const MAX_ATTEMPTS = 3;

/**
 * One round: probe every check (bounded concurrency, each under its timeout, all before
 * `deadline`), fold the results into the stored check states with conditional writes, roll the
 * components up and route their alerts. Re-running a round id changes nothing.
 */
export async function runHealthRound(
  deps: HealthDeps,
  config: HealthCheckConfig,
  round: { readonly roundId: string; readonly deadline: number },
  options: RoundOptions = {},
): Promise<RoundReport> {
  const { clock } = deps;
  const startedAt = clock.now();
  const { results } = await runChecks(config.checks, deps.probe, {
    deadline: round.deadline,
    now: () => clock.now(),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const now = clock.now();
  const stored = await deps.checkStates.load(config.checks.map((check) => check.id));
  const states = new Map<string, CheckState>();
  const transitions: CheckTransition[] = [];
  const errors: string[] = [];
  await Promise.all(
    config.checks.map(async (check, index) => {
      const policy: StatePolicy = {
        failureThreshold: check.failureThreshold,
        successThreshold: check.successThreshold,
        flapTransitions: config.flapping.transitions,
        flapWindowMs: config.flapping.windowSeconds * 1000,
      };
      let current = stored.get(check.id);
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        const { state, transition } = advanceCheckState(current, results[index]!, policy, round.roundId, now);
        if (state === current) return void states.set(check.id, state);
        try {
          if (await deps.checkStates.save(state, current?.version)) {
            states.set(check.id, { ...state, version: (current?.version ?? 0) + 1 });
            if (transition) transitions.push(transition);
            return;
          }
        } catch (error) {
          errors.push(`${check.id}: state not saved: ${(error as Error).message}`);
          return void states.set(check.id, state);
        }
        current = (await deps.checkStates.load([check.id])).get(check.id);
      }
      errors.push(`${check.id}: state not saved after ${MAX_ATTEMPTS} conflicting writes`);
      if (current) states.set(check.id, current);
    }),
  );
  const components = rollupComponents(config.components, config.checks, states);
  const alerts = await routeComponentAlerts(
    deps,
    components,
    {
      groupIntervalMs: config.alerting.groupIntervalSeconds * 1000,
      repeatIntervalMs: config.alerting.repeatIntervalSeconds * 1000,
    },
    options.labels ?? {},
    now,
  );
  return {
    roundId: round.roundId,
    startedAt,
    durationMs: clock.now() - startedAt,
    results,
    states: config.checks
      .map((check) => states.get(check.id))
      .filter((s): s is CheckState => s !== undefined),
    transitions,
    components,
    alerts,
    errors,
  };
}

/** One invocation: how many rounds, on which ticks, and what to do as each one ends. */
export interface InvocationOptions extends RoundOptions {
  /** Names the invocation in logs; round ids come from their ticks, so a redelivery repeats nothing. */
  readonly invocationId: string;
  /** The Lambda's remaining time when the invocation starts. */
  readonly remainingMs: number;
  /** @default 6 */
  readonly rounds?: number;
  /** @default 10000 */
  readonly intervalMs?: number;
  /**
   * The tick of the first round, from the schedule (see `firstTickAfter`).
   * @default the first tick at or after the invocation's start
   */
  readonly firstTick?: number;
  /** Called after each round, e.g. to flush its metrics before the next round starts. */
  readonly onRound?: (report: RoundReport) => void | Promise<void>;
}

/** The id of the round on `tick`: the same for every invocation that runs that tick. */
export function roundIdOf(tick: number): string {
  return `tick#${new Date(tick).toISOString()}`;
}

/**
 * Runs the rounds that fit in the invocation (see {@link planRounds}), each on its wall-clock
 * tick. A round whose window has passed is skipped, not squeezed in; `skipped` counts every round
 * of the window that did not run.
 */
export async function runHealthInvocation(
  deps: HealthDeps,
  config: HealthCheckConfig,
  options: InvocationOptions,
): Promise<{ rounds: RoundReport[]; skipped: number }> {
  const { clock } = deps;
  const wanted = options.rounds ?? 6;
  const plan = planRounds({
    startedAt: clock.now(),
    remainingMs: options.remainingMs,
    intervalMs: options.intervalMs ?? 10_000,
    rounds: wanted,
    longestTimeoutMs: Math.max(...config.checks.map((check) => check.timeoutMs)),
    ...(options.firstTick === undefined ? {} : { firstTick: options.firstTick }),
  });
  const rounds: RoundReport[] = [];
  for (const planned of plan) {
    if (options.signal?.aborted) break;
    const wait = planned.startAt - clock.now();
    if (wait > 0) await clock.sleep(wait, options.signal);
    if (options.signal?.aborted) break;
    if (clock.now() >= planned.deadline) continue;
    const report = await runHealthRound(
      deps,
      config,
      { roundId: roundIdOf(planned.tick), deadline: planned.deadline },
      options,
    );
    rounds.push(report);
    await options.onRound?.(report);
  }
  return { rounds, skipped: wanted - rounds.length };
}
