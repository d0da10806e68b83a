import { withLock } from '../coordination';
import { decide } from './decide';
import { metricNames, metricReadSeconds, type PolicySet, parsePolicySet } from './policy-schema';
import type { DecisionRecord, ScalingAction, ScalingDeps, ScalingTrigger, SkippedRead } from './ports';
import type { GroupState, MetricSeries, ScalingDecision } from './types';

/** One request to evaluate the group, from a schedule, an alarm or an operator. */
export interface ScalingRequest {
  /** Unique per delivered event; a redelivery carries the same key and does nothing. */
  readonly eventKey: string;
  /** Unique per invocation: the lock owner. */
  readonly runId: string;
  readonly trigger: ScalingTrigger;
  /** Why the run happens, in words (kept with the decision). */
  readonly reason: string;
  /** Asks for a dry run; a request can add dry-run but never lift the policy's or the deployment's. */
  readonly dryRun?: boolean;
}

/** What a run did. */
export type ScalingOutcome =
  | { readonly status: 'duplicate'; readonly eventKey: string }
  | { readonly status: 'busy'; readonly eventKey: string }
  | {
      readonly status: 'failed';
      readonly eventKey: string;
      readonly error: string;
      readonly skipped: readonly SkippedRead[];
      readonly problems: readonly string[];
    }
  | {
      readonly status: 'decided';
      readonly eventKey: string;
      readonly decision: ScalingDecision;
      readonly action: ScalingAction;
      readonly actionError?: string;
      readonly policySource: 'override' | 'default';
      /** Reads that were skipped or partial; the decision was made without them. */
      readonly skipped: readonly SkippedRead[];
      readonly notified: readonly ('info' | 'warning')[];
      /** Failures after the decision (notification, record) that did not change it. */
      readonly problems: readonly string[];
    };

/** A read the decision cannot do without failed; nothing was decided. */
export class ScalingReadError extends Error {
  override readonly name = 'ScalingReadError';
}

const DEFAULT_LEASE_MS = 120_000;
const DEFAULT_EVENT_RETENTION_MS = 86_400_000;
const DEFAULT_SATURATION_REMINDER_MS = 1_800_000;

/**
 * One run of the scaling function: claim the event (a duplicate does nothing), take the group's
 * lock (a concurrent run does nothing), read the policy, the group, its history and its metrics,
 * decide, act unless the decision is `none` or a dry run, notify, and record the decision.
 *
 * It never acts on data it could not read. Metrics that failed or came back partial are left out,
 * so the engine treats them as missing (no scale-in, no reversal) and the run reports them as
 * skipped. Without the policy override, the group, its activities or the recommendation history
 * there is no safe decision at all: the run records the failure and acts on nothing.
 */
export async function runScaling(
  deps: ScalingDeps,
  request: ScalingRequest,
  now: number,
): Promise<ScalingOutcome> {
  const { settings } = deps;
  const retention = settings.eventRetentionMs ?? DEFAULT_EVENT_RETENTION_MS;
  if (!(await deps.ledger.claim(request.eventKey, now, retention))) {
    return { status: 'duplicate', eventKey: request.eventKey };
  }
  const locked = await withLock(
    deps.lock,
    `scaling#${settings.groupName}`,
    request.runId,
    settings.leaseMs ?? DEFAULT_LEASE_MS,
    now,
    () => evaluate(deps, request, now),
  );
  return locked.acquired ? locked.result : { status: 'busy', eventKey: request.eventKey };
}

async function evaluate(deps: ScalingDeps, request: ScalingRequest, now: number): Promise<ScalingOutcome> {
  const { settings } = deps;
  const group = settings.groupName;
  const skipped: SkippedRead[] = [];
  let decision: ScalingDecision;
  let policySource: 'override' | 'default';
  let saturationWarnedAt: number | undefined;
  try {
    const policy = await readPolicy(deps, skipped);
    policySource = policy.source;
    const snapshot = await read('the group and its scaling activities', () =>
      deps.group.read(now - lookbackSeconds(policy.policy) * 1000),
    );
    const history = await read('the recommendation history', () =>
      deps.state.loadHistory(group, now - stabilisationSeconds(policy.policy) * 1000),
    );
    saturationWarnedAt = history.saturationWarnedAt;
    const metrics = await readMetrics(deps, policy.policy, snapshot.group, now, skipped);
    decision = decide({
      now,
      group: snapshot.group,
      metrics,
      policy: policy.policy,
      recentRecommendations: history.recommendations,
      activities: snapshot.activities,
      ...(settings.dryRun || request.dryRun === true ? { dryRun: true } : {}),
    });
  } catch (error) {
    return fail(deps, request, now, skipped, error);
  }

  const problems: string[] = [];
  let action: ScalingAction = decision.direction === 'none' ? 'none' : decision.dryRun ? 'dry-run' : 'scaled';
  let actionError: string | undefined;
  if (action === 'scaled') {
    try {
      await deps.group.setDesiredCapacity(decision.desired);
    } catch (error) {
      action = 'failed';
      actionError = `SetDesiredCapacity(${decision.desired}) failed: ${describe(error)}`;
    }
  }

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
    policySource,
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
    policySource,
    skipped,
    notified,
    problems,
  };
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
    skipped.push({ source: 'policy-override', reason: `${describe(error)}; using the deployed default` });
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
      ...names.map((name) => ({ source: name, reason: `metrics read failed: ${describe(error)}` })),
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
): Promise<ScalingOutcome> {
  const message = describe(error);
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
    throw new ScalingReadError(`could not read ${what}: ${describe(error)}`, { cause: error });
  }
}

async function attempt(problems: string[], what: string, action: () => Promise<void>): Promise<boolean> {
  try {
    await action();
    return true;
  } catch (error) {
    problems.push(`${what} failed: ${describe(error)}`);
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

/** `message (ErrorName)` for SDK errors, so throttling and timeouts are recognisable in reports. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const generic = error.name === 'Error' || error instanceof ScalingReadError;
  return generic ? error.message : `${error.message} (${error.name})`;
}
