import { describeRegionAction } from '../../failover/region/plan';
import { renderTimeline } from '../../failover/region/timeline';
import type { RegionOperationKind } from '../../failover/region/types';
import {
  ConflictError,
  type FieldProblem,
  NotDeployedError,
  RequestValidationError,
  UnprocessableError,
  UpstreamError,
} from '../errors';
import type { RegionAnswer, RegionCommand, RegionCommander } from '../ports';
import type { RegionCommandRequest } from '../schemas/requests';
import type { AdminDeps } from '../settings';
import type { SectionError } from './status';

const iso = (ms: number) => new Date(ms).toISOString();

function regionsOf(deps: AdminDeps) {
  if (!deps.regions) throw new NotDeployedError('No standby region is configured (regions)');
  return deps.regions;
}

/** The engine's decision as the API shows it: plan steps described, no internal state. */
function decisionView(decision: NonNullable<RegionAnswer['decision']>) {
  return {
    verdict: decision.verdict,
    operation: decision.kind ?? null,
    automatic: decision.automatic,
    from: decision.from,
    to: decision.to,
    explanation: decision.explanation,
    dataLossConfirmed: decision.dataLossConfirmed,
    checks: decision.checks.map(({ guard, passed, detail }) => ({ guard, passed, detail })),
    plan: decision.plan.map((action) => ({
      kind: action.kind,
      region: action.region,
      description: describeRegionAction(action),
    })),
  };
}

/** A run that did not decide: busy is a conflict, anything else the function failing. */
function undecided(answer: RegionAnswer, what: string): Error {
  if (answer.status === 'busy' || answer.status === 'conflict')
    return new ConflictError(`A region operation is in progress; ${what} can be retried when it ends`);
  // The function's reason may quote AWS errors: it stays in the function's logs and run record.
  return new UpstreamError(
    `The region failover function could not decide (${answer.status}); its logs have the detail`,
  );
}

async function liveDecision(commander: RegionCommander, requestId: string) {
  const answer = await commander.status(requestId);
  if (!answer.decision) throw undecided(answer, 'the status');
  return decisionView(answer.decision);
}

/**
 * GET /regions: the stored state (which region serves, the last or running operation's timeline
 * and the switches of the last 24 hours) and, with `observe`, the engine's decision on a fresh
 * observation. The two are read independently: while a switch holds the region lease, the live
 * decision is `null` and listed in `errors`, and the stored timeline shows how far it has got.
 */
export async function describeRegions(
  deps: AdminDeps,
  request: { readonly requestId: string; readonly observe: boolean },
  onSectionError: (section: string, error: unknown) => void,
) {
  const regions = regionsOf(deps);
  const [stored, live] = await Promise.allSettled([
    regions.state.state(),
    request.observe ? liveDecision(regions.commander, request.requestId) : Promise.resolve(null),
  ]);
  const errors: SectionError[] = [];
  let state = null;
  if (stored.status === 'fulfilled') {
    const s = stored.value;
    state = s
      ? {
          activeRegion: s.activeRegion,
          activeUnhealthySince: s.activeUnhealthySince === undefined ? null : iso(s.activeUnhealthySince),
          switchesIn24Hours: s.history
            .filter((entry) => deps.clock() - entry.at < 86_400_000)
            .map((entry) => ({ at: iso(entry.at), operation: entry.kind, automatic: entry.automatic })),
          timeline: s.timeline ? { ...s.timeline, text: renderTimeline(s.timeline) } : null,
          updatedAt: iso(s.updatedAt),
        }
      : null;
  } else {
    errors.push({ section: 'state', message: 'the region state could not be read' });
    onSectionError('state', stored.reason);
  }
  let decision = null;
  if (live.status === 'fulfilled') decision = live.value;
  else {
    const message =
      live.reason instanceof ConflictError
        ? 'a region operation holds the lease; see state.timeline'
        : 'the region failover function did not answer';
    errors.push({ section: 'live', message });
    onSectionError('live', live.reason);
  }
  return { at: iso(deps.clock()), state, live: decision, errors };
}

/**
 * POST /regions/{operation}. As with the component failover commands, the plan comes from a
 * synchronous dry run of the region function (the same engine, lease and guards as the CLI), and
 * a dry run stops there. A real command the guards refuse is a 422 naming each failed guard (and
 * `body.confirm` when a confirmation would let a failover through); a busy region lease is a 409.
 * An accepted command is handed to the function asynchronously under the same id, because a
 * switch takes minutes, and answered 202; GET /regions follows its timeline.
 */
export async function commandRegion(
  deps: AdminDeps,
  operation: RegionOperationKind,
  request: RegionCommandRequest,
  caller: { arn: string; requestId: string },
) {
  const { commander } = regionsOf(deps);
  if (request.confirm && operation !== 'failover') {
    const message = `only an unplanned failover can be confirmed past its guards, not a ${operation}`;
    throw new RequestValidationError(`Invalid body: body.confirm: ${message}`, [
      { field: 'body.confirm', message },
    ]);
  }
  const command: RegionCommand = {
    operation,
    dryRun: true,
    confirm: request.confirm,
    reason: request.reason,
    requestedBy: caller.arn,
    requestId: caller.requestId,
  };
  const planned = await commander.run(command);
  if (!planned.decision) throw undecided(planned, `the ${operation}`);
  const answer = decisionView(planned.decision);
  if (request.dryRun) return { status: 200, body: { ...answer, dryRun: true } };
  if (answer.verdict !== 'start') {
    const problems: FieldProblem[] = answer.checks
      .filter((check) => !check.passed)
      .map((check) => ({ field: `guard.${check.guard}`, message: check.detail }));
    if (answer.verdict === 'needs-human' && operation === 'failover' && !request.confirm)
      problems.push({
        field: 'body.confirm',
        message: 'must be true for a failover past these guards: you accept the data it may lose',
      });
    throw new UnprocessableError(`The ${operation} was refused: ${answer.explanation}`, problems);
  }
  await commander.dispatch({ ...command, dryRun: false });
  return {
    status: 202,
    body: { ...answer, dryRun: false, accepted: true, commandId: caller.requestId, follow: '/regions' },
  };
}
