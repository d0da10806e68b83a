import { type Concluded, type GuardedRunDeps, runGuarded } from '../../runs/guarded-run';
import type { RunRecord } from '../../runs/record';
import type { ActionOutcome, Severity } from '../types';
import { decideRegion, type RegionDecision, type RegionRequest } from './decide';
import { describeRegionAction, isRegionMutation } from './plan';
import type { RegionActions, RegionNotifier, RegionObserver, RegionStateStore } from './ports';
import { otherRegion, type RegionEngineSettings } from './settings';
import { closeTimeline, openTimeline, recordStep, renderTimeline } from './timeline';
import { initialRegionState, type RegionFailoverState, type RegionTimeline } from './types';

/** Everything a region run needs; built once per Lambda container (or by the CLI). */
export interface RegionFailoverDeps {
  readonly store: RegionStateStore;
  readonly observer: RegionObserver;
  readonly actions: RegionActions;
  readonly notifier: RegionNotifier;
  /** The event record, the `failover#region` lease and the waits of a busy lease. */
  readonly run: GuardedRunDeps;
  /** This run's identity for the lease. */
  readonly owner: string;
  /** The time during execution: a global switchover takes minutes. */
  readonly clock: () => number;
}

/** One delivery: the schedule's observation or an operator's command, with a unique id. */
export interface RegionRunRequest {
  readonly id: string;
  readonly request: RegionRequest;
  /** Decide and explain, act on nothing. Commands from the API and CLI default to it. */
  readonly dryRun: boolean;
}

/** What the engine did inside the lease. */
type Handled =
  | { readonly status: 'conflict'; readonly message: string }
  | {
      readonly status: 'decided' | 'dry-run' | 'executed';
      readonly decision: RegionDecision;
      readonly timeline?: RegionTimeline;
      readonly state: RegionFailoverState;
    };

/**
 * What a run did, for the handler to log and map, with its run record:
 * - `duplicate`: the event was already handled (or another run is handling it);
 * - `busy`: another run holds `failover#region`; the event's record is released for a retry;
 * - `failed`: the run could not do its work (`record.reason` says why); released for a retry.
 */
export type RegionRunOutcome = ({ readonly status: 'duplicate' | 'busy' | 'failed' } | Handled) & {
  readonly record: RunRecord;
};

export const REGION_LOCK = 'failover#region';
/**
 * A run lasts at most the function's 15 minutes; a run killed mid-plan leaves the lease to expire
 * one minute after that, and the next command picks the plan up where the timeline shows it.
 */
export const REGION_LEASE_MS = 16 * 60_000;

/**
 * Observes both regions, decides with {@link decideRegion} and, on `start`, carries out the plan
 * step by step under the `failover#region` lease, saving the timeline before the first action and
 * after each one, so a run that dies leaves a trace. A failed step stops the plan and pages: a
 * half-switched region pair is for a human to finish (docs/region-failover.md).
 */
export async function runRegionFailover(
  deps: RegionFailoverDeps,
  run: RegionRunRequest,
  settings: RegionEngineSettings,
  deadline: number,
): Promise<RegionRunOutcome> {
  const guarded = await runGuarded(
    deps.run,
    {
      fn: 'region-failover',
      eventKey: `failover#region#${run.id}`,
      runId: deps.owner,
      deadline,
      lock: { name: REGION_LOCK, leaseMs: REGION_LEASE_MS },
      // A dry run saves nothing and acts on nothing: repeating one is harmless.
      repeatable: run.dryRun,
    },
    async () => conclude(await decideAndAct(deps, run, settings)),
  );
  const { record } = guarded;
  if (guarded.value !== undefined) return { ...guarded.value, record };
  const status = record.status === 'failed' ? 'failed' : record.event === 'retry' ? 'busy' : 'duplicate';
  return { status, record };
}

/** The run record's view of a result: a conflict is retried, an executed plan is an action. */
function conclude(result: Handled): Concluded<Handled> {
  if (result.status === 'conflict')
    return { status: 'skipped', reason: `conflict: ${result.message}`, retry: true, value: result };
  const reason = result.decision.explanation;
  if (result.status === 'executed') return { status: 'acted', reason, retry: false, value: result };
  return { status: 'decided', reason, retry: false, value: result };
}

async function decideAndAct(
  deps: RegionFailoverDeps,
  run: RegionRunRequest,
  settings: RegionEngineSettings,
): Promise<Handled> {
  const now = deps.clock();
  const stored = (await deps.store.load()) ?? initialRegionState(settings.primaryRegion, now);
  const observation = await deps.observer.observe(
    stored.activeRegion,
    otherRegion(settings, stored.activeRegion),
  );
  const decision = decideRegion(stored, run.request, observation, settings, now);
  if (run.dryRun) return { status: 'dry-run', decision, state: stored };
  if (decision.verdict !== 'start') {
    // An automatic refusal pages once per unhealthy streak, not on every observation.
    const unpaged =
      decision.automatic &&
      decision.verdict === 'needs-human' &&
      stored.pagedForStreak !== decision.state.activeUnhealthySince;
    const next = unpaged
      ? { ...decision.state, pagedForStreak: decision.state.activeUnhealthySince }
      : decision.state;
    const state = await saveIfChanged(deps, stored, next);
    if (unpaged)
      await page(
        deps,
        'critical',
        `Region failover needs a human: ${decision.from} is down`,
        decision.explanation,
      );
    if (!decision.automatic && decision.verdict !== 'steady') {
      await page(
        deps,
        'warning',
        `Region ${decision.kind} not started (${decision.verdict})`,
        decision.explanation,
      );
    }
    return { status: 'decided', decision, state };
  }

  const request =
    run.request.kind === 'command'
      ? run.request
      : { reason: decision.explanation, requestedBy: 'automation' };
  let timeline = openTimeline(run.id, decision, request, now);
  let state: RegionFailoverState = await deps.store.save({ ...decision.state, timeline }, stored.version);
  await page(
    deps,
    decision.automatic ? 'critical' : 'warning',
    `Region ${decision.kind} started: ${decision.from} → ${decision.to}`,
    decision.explanation,
  );

  let ok = true;
  for (const action of decision.plan) {
    const startedAt = deps.clock();
    const outcome = await attempt(deps, action, startedAt + settings.actionTimeoutSeconds * 1000);
    timeline = recordStep(timeline, { action, startedAt, finishedAt: deps.clock(), outcome }, observation);
    state = await deps.store.save({ ...state, timeline, updatedAt: deps.clock() }, state.version);
    if (!outcome.ok) {
      ok = false;
      await page(
        deps,
        'critical',
        `Region ${decision.kind} stopped at "${describeRegionAction(action)}"`,
        `${outcome.message}\n\n${renderTimeline(timeline)}`,
      );
      break;
    }
  }
  const end = deps.clock();
  timeline = closeTimeline(timeline, ok, end);
  const servesTarget = timeline.trafficMovedAt !== undefined && decision.kind !== 'drill';
  const { activeUnhealthySince: _, ...rest } = state;
  state = await deps.store.save(
    {
      ...(servesTarget ? rest : state),
      activeRegion: servesTarget ? decision.to : state.activeRegion,
      timeline,
      history: [...state.history, { at: now, kind: decision.kind!, automatic: decision.automatic }].filter(
        (entry) => end - entry.at < settings.budgetWindowMs,
      ),
      updatedAt: end,
    },
    state.version,
  );
  if (ok)
    await page(
      deps,
      'info',
      `Region ${decision.kind} completed: ${decision.to} serves`,
      renderTimeline(timeline),
    );
  return { status: 'executed', decision, timeline, state };
}

/** Saves only what changed the tracking: a quiet minute costs no write. */
async function saveIfChanged(
  deps: RegionFailoverDeps,
  stored: RegionFailoverState,
  next: RegionFailoverState,
) {
  const changed =
    stored.version === 0 ||
    stored.activeRegion !== next.activeRegion ||
    stored.activeUnhealthySince !== next.activeUnhealthySince ||
    stored.pagedForStreak !== next.pagedForStreak;
  return changed ? deps.store.save(next, stored.version) : stored;
}

async function attempt(
  deps: RegionFailoverDeps,
  action: Parameters<RegionActions['execute']>[0],
  deadline: number,
): Promise<ActionOutcome> {
  try {
    return await deps.actions.execute(action, deadline);
  } catch (error) {
    // An adapter that throws cannot say whether AWS accepted a change: assume it may have.
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { ok: false, failure: 'unknown', message, accepted: isRegionMutation(action) };
  }
}

async function page(
  deps: RegionFailoverDeps,
  severity: Severity,
  subject: string,
  message: string,
): Promise<void> {
  try {
    await deps.notifier.send({ severity, subject, message });
  } catch {
    // An alert that cannot be sent must not stop a switch; the timeline in the table keeps the record.
  }
}
