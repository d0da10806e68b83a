import { describeError } from '../runs/record';
import { ownChanges } from './cooldown';
import { decide } from './decide';
import { holdAfterScaleOut } from './holds';
import { metricNames, metricReadSeconds } from './policy-metrics';
import { type PolicySet, parsePolicySet } from './policy-schema';
import type { DecisionRecord, ScalingAction, ScalingDeps, SkippedRead } from './ports';
import type { EvaluatedOutcome, ScalingRequest } from './service';
import type { GroupState, MetricSeries, ScalingDecision } from './types';

/** A read the decision cannot do without failed, or came back unusable; nothing was decided. */
export class ScalingReadError extends Error {
  override readonly name = 'ScalingReadError';
}

const DEFAULT_SATURATION_REMINDER_MS = 1_800_000;

/**
 * Reads the policy, the group, its history and its metrics, decides, acts unless the decision is
 * `none` or a dry run, holds the fleet's alerts after a scale-out, notifies, and records the
 * decision. It never acts on data it could not read: metrics that failed or came back partial are
 * left out (the engine treats them as missing: no scale-in, no reversal); without the policy
 * override, the group with its bounds, its activities or the engine's history there is no safe
 * decision at all, and the run records the failure and acts on nothing.
 */
export async function evaluate(
  deps: ScalingDeps,
  request: ScalingRequest,
  now: number,
): Promise<EvaluatedOutcome> {
  const { settings } = deps;
  const group = settings.groupName;
  const skipped: SkippedRead[] = [];
  let decision: ScalingDecision;
  let policy: { policy: PolicySet; source: 'override' | 'default' };
  let saturationWarnedAt: number | undefined;
  try {
    policy = await readPolicy(deps, skipped);
    const snapshot = await read('the group and its scaling activities', () =>
      deps.group.read(now - lookbackSeconds(policy.policy) * 1000),
    );
    checkBounds(snapshot.group);
    const since = now - Math.max(stabilisationSeconds(policy.policy), lookbackSeconds(policy.policy)) * 1000;
    const history = await read('the engine history', () => deps.state.loadHistory(group, since));
    saturationWarnedAt = history.saturationWarnedAt;
    const metrics = await readMetrics(deps, policy.policy, snapshot.group, now, skipped);
    decision = decide({
      now,
      group: snapshot.group,
      metrics,
      policy: policy.policy,
      recentRecommendations: history.recommendations,
      activities: snapshot.activities,
      recordedActions: ownChanges(history.actions, history.intendedChange, snapshot.group.desiredCapacity),
      ...(settings.dryRun || request.dryRun === true ? { dryRun: true } : {}),
    });
  } catch (error) {
    return fail(deps, request, now, skipped, error);
  }

  const problems: string[] = [];
  let action: ScalingAction = decision.direction === 'none' ? 'none' : decision.dryRun ? 'dry-run' : 'scaled';
  let actionError: string | undefined;
  if (action === 'scaled') {
    const change = { startTime: now, fromCapacity: decision.current, toCapacity: decision.desired };
    try {
      // Without this trace, a change whose answer and decision record are both lost is invisible
      // to the retry's cooldown while the group's history lags: it would scale again.
      await deps.state.recordIntent(group, change, request.eventKey);
    } catch (error) {
      action = 'failed';
      actionError = `not changed: the intended change ${decision.current} → ${decision.desired} could not be recorded first (${describeError(error)})`;
    }
    if (action === 'scaled') {
      try {
        await deps.group.setDesiredCapacity(decision.desired);
      } catch (error) {
        action = 'failed';
        actionError = `SetDesiredCapacity(${decision.desired}) failed: ${describeError(error)}`;
      }
    }
  }
  // The capacity is set by now: the hold and the notices only spare or tell people.
  await attempt(problems, `alert hold on the fleet`, async () => {
    await holdAfterScaleOut(deps.holds, decision, action === 'scaled', {
      groupName: group,
      runId: request.runId,
      warmupSeconds: policy.policy.warmupSeconds,
      now,
    });
  });
  const notified: ('info' | 'warning')[] = [];
  if (action === 'scaled') {
    if (await attempt(problems, 'info notification', () => deps.notifier.scaled(group, decision))) {
      notified.push('info');
    }
  }
  const reminder = settings.saturationReminderMs ?? DEFAULT_SATURATION_REMINDER_MS;
  if (!decision.saturated) {
    saturationWarnedAt = undefined;
  } else if (saturationWarnedAt === undefined || now - saturationWarnedAt >= reminder) {
    if (await attempt(problems, 'warning notification', () => deps.notifier.saturated(group, decision))) {
      notified.push('warning');
      saturationWarnedAt = now;
    }
  }

  const record: DecisionRecord = {
    eventKey: request.eventKey,
    trigger: request.trigger,
    reason: request.reason,
    decision,
    action,
    policySource: policy.source,
    skipped,
    ...(actionError === undefined ? {} : { actionError }),
    ...(saturationWarnedAt === undefined ? {} : { saturationWarnedAt }),
  };
  await attempt(problems, 'decision record', () => deps.state.recordDecision(group, record));
  return {
    status: 'decided',
    eventKey: request.eventKey,
    decision,
    action,
    ...(actionError === undefined ? {} : { actionError }),
    policySource: policy.source,
    skipped,
    notified,
    problems,
  };
}

/** A group read without its bounds would make them 0 and force a scale-in: refuse instead. */
function checkBounds(group: GroupState): void {
  const { minCapacity: min, maxCapacity: max, desiredCapacity: desired } = group;
  const counts = [min, max, desired].every((n) => Number.isInteger(n) && n >= 0);
  if (!counts || min > max) {
    throw new ScalingReadError(
      `the group was read without usable bounds (min ${min}, max ${max}, desired ${desired}): refusing to decide`,
    );
  }
}

async function readPolicy(
  deps: ScalingDeps,
  skipped: SkippedRead[],
): Promise<{ policy: PolicySet; source: 'override' | 'default' }> {
  const stored = await read('the policy override', () =>
    deps.state.loadPolicyOverride(deps.settings.groupName),
  );
  if (stored === undefined) return { policy: deps.settings.defaultPolicy, source: 'default' };
  try {
    return { policy: parsePolicySet(stored.document, 'the stored policy override'), source: 'override' };
  } catch (error) {
    // A broken override must not stop scaling; the deployed default is known to be valid.
    skipped.push({
      source: 'policy-override',
      reason: `${describeError(error)}; using the deployed default`,
    });
    return { policy: deps.settings.defaultPolicy, source: 'default' };
  }
}

async function readMetrics(
  deps: ScalingDeps,
  policy: PolicySet,
  group: GroupState,
  now: number,
  skipped: SkippedRead[],
): Promise<readonly MetricSeries[]> {
  const wanted = metricNames(policy);
  const names = wanted.filter((name) => deps.metrics.supports(name));
  for (const name of wanted.filter((n) => !names.includes(n))) {
    skipped.push({ source: name, reason: 'no metric source is configured for this name' });
  }
  if (names.length === 0) return [];
  try {
    const read = await deps.metrics.read({
      names,
      instances: group.instances.filter((i) => i.lifecycleState === 'InService'),
      start: now - metricReadSeconds(policy) * 1000,
      end: now,
    });
    skipped.push(...read.skipped);
    return read.series;
  } catch (error) {
    // Missing metrics cannot cause a scale-in; they can still leave scale-out to the others.
    skipped.push(
      ...names.map((name) => ({ source: name, reason: `metrics read failed: ${describeError(error)}` })),
    );
    return [];
  }
}

async function fail(
  deps: ScalingDeps,
  request: ScalingRequest,
  now: number,
  skipped: SkippedRead[],
  error: unknown,
): Promise<EvaluatedOutcome> {
  const message = error instanceof ScalingReadError ? error.message : describeError(error);
  const problems: string[] = [];
  await attempt(problems, 'failure record', () =>
    deps.state.recordFailure(deps.settings.groupName, {
      time: now,
      eventKey: request.eventKey,
      trigger: request.trigger,
      reason: request.reason,
      error: message,
      skipped,
    }),
  );
  return { status: 'failed', eventKey: request.eventKey, error: message, skipped, problems };
}

async function read<T>(what: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw new ScalingReadError(`could not read ${what}: ${describeError(error)}`, { cause: error });
  }
}

/** Runs a step whose failure does not change the decision; records the failure in `problems`. */
export async function attempt(
  problems: string[],
  what: string,
  action: () => Promise<void>,
): Promise<boolean> {
  try {
    await action();
    return true;
  } catch (error) {
    problems.push(`${what} failed: ${describeError(error)}`);
    return false;
  }
}

/** Seconds of activity history the decision needs: cooldowns, rate-limit periods and warm-up. */
export function lookbackSeconds(policy: PolicySet): number {
  const { scaleOut, scaleIn } = policy.behaviour;
  return Math.max(
    scaleOut.cooldownSeconds,
    scaleIn.cooldownSeconds,
    policy.warmupSeconds,
    ...scaleOut.policies.map((p) => p.periodSeconds),
    ...scaleIn.policies.map((p) => p.periodSeconds),
  );
}

/** Seconds of recommendation history the stabilisation windows and the baseline hold need. */
export function stabilisationSeconds(policy: PolicySet): number {
  const { scaleOut, scaleIn } = policy.behaviour;
  return Math.max(
    scaleOut.stabilizationWindowSeconds,
    scaleIn.stabilizationWindowSeconds,
    scaleIn.baselineHold?.windowSeconds ?? 0,
  );
}
