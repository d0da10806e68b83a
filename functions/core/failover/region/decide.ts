import {
  automationChecks,
  globalStateCheck,
  healthCheck,
  lagChecks,
  type RegionGuardCheck,
  readinessChecks,
  staleness,
} from './guards';
import { switchPlan } from './plan';
import { otherRegion, type RegionEngineSettings } from './settings';
import type {
  RegionAction,
  RegionFailoverState,
  RegionObservation,
  RegionOperationKind,
  RegionTimeline,
} from './types';

/** What the engine was asked: look at the regions (schedule, alarm) or carry out an operator's command. */
export type RegionRequest =
  | { readonly kind: 'observe' }
  | {
      readonly kind: 'command';
      readonly command: RegionOperationKind;
      /** A human's explicit confirmation: overrides failed guards of an unplanned failover only. */
      readonly confirm: boolean;
      readonly reason: string;
      readonly requestedBy: string;
    };

/**
 * - `steady`: the active region is healthy; `watching`: unhealthy, within the hold-down.
 * - `needs-human`: automation may not act (a guard failed, the budget is spent, automation is
 *   off, or a command needs confirmation); `refused`: a command that cannot run now.
 * - `start`: run `plan`.
 */
export type RegionVerdict = 'steady' | 'watching' | 'needs-human' | 'refused' | 'start';

/** The decision and everything that explains it. */
export interface RegionDecision {
  /** The state with the health tracking of this observation (not yet any operation). */
  readonly state: RegionFailoverState;
  readonly verdict: RegionVerdict;
  readonly kind?: RegionOperationKind;
  readonly automatic: boolean;
  readonly from: string;
  readonly to: string;
  readonly checks: readonly RegionGuardCheck[];
  readonly plan: readonly RegionAction[];
  /** A human accepted the data a failover past the lag guards loses. */
  readonly dataLossConfirmed: boolean;
  readonly explanation: string;
}

/** Tracks how long every fresh reading has shown `active` unhealthy; unknown ends the streak. */
export function trackActiveHealth(
  state: RegionFailoverState,
  observation: RegionObservation,
  active: string,
  settings: RegionEngineSettings,
  now: number,
): RegionFailoverState {
  const reading = observation.health[active];
  const usable = reading && !staleness(reading, now, settings.maxReadingAgeSeconds);
  const unhealthy = usable && !reading.healthy;
  const since = unhealthy ? (state.activeUnhealthySince ?? reading.at) : undefined;
  const { activeUnhealthySince: _, ...rest } = state;
  return {
    ...rest,
    activeRegion: active,
    ...(since !== undefined ? { activeUnhealthySince: since } : {}),
    updatedAt: now,
  };
}

const failed = (checks: readonly RegionGuardCheck[]) => checks.filter((c) => !c.passed);
const names = (checks: readonly RegionGuardCheck[]) =>
  failed(checks)
    .map((c) => `${c.guard} (${c.detail})`)
    .join('; ');

/**
 * The region component's decision: pure, from the persisted state, the request, one observation
 * of both regions and the time. It never acts; {@link runRegionFailover} carries out the plan.
 */
export function decideRegion(
  current: RegionFailoverState,
  request: RegionRequest,
  observation: RegionObservation,
  settings: RegionEngineSettings,
  now: number,
): RegionDecision {
  const active = observation.global?.databaseWriterRegion ?? current.activeRegion;
  const state = trackActiveHealth(current, observation, active, settings, now);
  const base = { state, automatic: request.kind === 'observe', from: active, dataLossConfirmed: false };

  // A plan that stopped half-way (a failed step, a run cut off) is for a human to finish: the
  // same command again resumes it towards the same region; automation stays out of it.
  const unfinished =
    current.timeline && current.timeline.status !== 'completed' ? current.timeline : undefined;
  if (request.kind === 'observe' && unfinished) {
    return {
      ...base,
      to: unfinished.to,
      verdict: 'needs-human',
      checks: [],
      plan: [],
      explanation: `the ${unfinished.kind} ${unfinished.from} → ${unfinished.to} did not complete (${unfinished.status}); run it again to resume it`,
    };
  }
  if (
    request.kind === 'command' &&
    unfinished &&
    unfinished.kind === request.command &&
    request.command !== 'drill'
  ) {
    return resume(base, unfinished, observation, settings);
  }

  if (request.kind === 'observe') {
    const to = otherRegion(settings, active);
    if (state.activeUnhealthySince === undefined) {
      return {
        ...base,
        to,
        verdict: 'steady',
        checks: [],
        plan: [],
        explanation: `${active} is serving and healthy (or not known to be unhealthy)`,
      };
    }
    const checks = [
      globalStateCheck(observation, active),
      ...lagChecks(observation, settings, now),
      healthCheck('standby-health', observation, to, settings, now),
      ...readinessChecks(observation, settings, now),
      ...automationChecks(state, settings, now),
    ];
    const holdDown = checks.find((c) => c.guard === 'hold-down')!;
    if (!holdDown.passed) {
      return {
        ...base,
        to,
        verdict: 'watching',
        checks,
        plan: [],
        explanation: `${active} unhealthy: ${holdDown.detail}`,
      };
    }
    if (failed(checks).length > 0) {
      return {
        ...base,
        to,
        verdict: 'needs-human',
        checks,
        plan: [],
        explanation: `${active} is down past the hold-down but automatic failover is refused: ${names(checks)}`,
      };
    }
    return {
      ...base,
      to,
      kind: 'failover',
      verdict: 'start',
      checks,
      plan: switchPlan(to, 'failover', observation, settings),
      explanation: `${active} unhealthy for the hold-down and every guard passed: failing over to ${to}`,
    };
  }

  const { command } = request;
  const to = command === 'failback' ? settings.primaryRegion : otherRegion(settings, active);
  if (to === active) {
    return {
      ...base,
      to,
      kind: command,
      verdict: 'refused',
      checks: [],
      plan: [],
      explanation: `${active} already serves: nothing to fail back`,
    };
  }
  const readiness = [
    globalStateCheck(observation, active),
    healthCheck('standby-health', observation, to, settings, now),
    ...readinessChecks(observation, settings, now),
  ];
  if (command !== 'failover') {
    // A switchover needs both regions up: the old writer hands over every committed write.
    const checks = [...readiness, healthCheck('active-health', observation, active, settings, now)];
    if (failed(checks).length > 0) {
      return {
        ...base,
        to,
        kind: command,
        verdict: 'refused',
        checks,
        plan: [],
        explanation: `planned ${command} refused: ${names(checks)}`,
      };
    }
    const plan = switchPlan(to, 'switchover', observation, settings);
    const back =
      command === 'drill'
        ? switchPlan(
            active,
            'switchover',
            { ...observation, standby: { ...observation.standby, databaseInstances: 1 } },
            settings,
          )
        : [];
    return {
      ...base,
      to,
      kind: command,
      verdict: 'start',
      checks,
      plan: [...plan, ...back],
      explanation: `planned ${command} from ${active} to ${to}`,
    };
  }

  const lag = lagChecks(observation, settings, now);
  const checks = [...readiness, ...lag];
  const globalState = checks[0]!;
  if (!globalState.passed) {
    return {
      ...base,
      to,
      kind: command,
      verdict: 'refused',
      checks,
      plan: [],
      explanation: `failover refused whatever the confirmation: ${globalState.detail}`,
    };
  }
  if (failed(checks).length > 0 && !request.confirm) {
    return {
      ...base,
      to,
      kind: command,
      verdict: 'needs-human',
      checks,
      plan: [],
      explanation: `failover needs explicit confirmation (confirm: true) past: ${names(checks)}`,
    };
  }
  return {
    ...base,
    to,
    kind: command,
    verdict: 'start',
    checks,
    plan: switchPlan(to, 'failover', observation, settings),
    dataLossConfirmed: failed(lag).length > 0,
    explanation:
      failed(checks).length > 0
        ? `failover to ${to} confirmed by ${request.requestedBy} past: ${names(checks)}`
        : `failover to ${to}: every guard passed`,
  };
}

/**
 * Resumes an unfinished switch towards the region it was going to. The writer may already be
 * there, so the only state guard is that no change is in flight; every step checks where things
 * stand before it acts, so the steps already done change nothing.
 */
function resume(
  base: Pick<RegionDecision, 'state' | 'automatic' | 'dataLossConfirmed'>,
  unfinished: RegionTimeline,
  observation: RegionObservation,
  settings: RegionEngineSettings,
): RegionDecision {
  const global = observation.global;
  const idle =
    global !== undefined && global.databaseStatus === 'available' && global.cacheStatus === 'available';
  const checks: RegionGuardCheck[] = [
    {
      guard: 'global-state',
      passed: idle,
      detail: global
        ? `database ${global.databaseStatus} (writer in ${global.databaseWriterRegion}), cache ${global.cacheStatus}`
        : 'the global database and datastore could not be described',
    },
  ];
  const promotion = unfinished.kind === 'failover' ? 'failover' : 'switchover';
  return {
    ...base,
    from: unfinished.from,
    to: unfinished.to,
    kind: unfinished.kind,
    verdict: idle ? 'start' : 'refused',
    checks,
    plan: idle ? switchPlan(unfinished.to, promotion, observation, settings) : [],
    explanation: idle
      ? `resuming the ${unfinished.kind} ${unfinished.from} → ${unfinished.to} (${unfinished.status} at ${unfinished.steps.length} step(s))`
      : `cannot resume the ${unfinished.kind} while a change is in flight`,
  };
}
