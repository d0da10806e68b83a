import type { Idempotency } from '../runs/idempotency';
import { AdminApiError, ConflictError, UpstreamError } from './errors';
import type { AuditEntry, AuditLog, AuditOutcome, StoredResponse } from './ports';
import { problemFor } from './problem';

/** What a mutating route hands to {@link runMutation}, besides the change itself. */
export interface MutationContext {
  /** The route's id, e.g. `scaling.setCapacity`: the audit record's `action`. */
  readonly action: string;
  /** What is changed, e.g. `asg/misybot-fleet`. */
  readonly target: string;
  readonly reason: string;
  /** The caller's IAM identity (`requestContext.identity.userArn`). */
  readonly caller: string;
  /** API Gateway's request id: the audit id and the correlation id of any problem. */
  readonly requestId: string;
  /** `METHOD /path`, for problem documents. */
  readonly instance: string;
  readonly idempotencyKey?: string;
  /** A digest of method, path and body: the same key with another request is refused. */
  readonly fingerprint: string;
  /** When the API's function times out (epoch ms): a key in progress is held until then at most. */
  readonly deadline: number;
  /** The validated request, as recorded in the audit trail. */
  readonly request: unknown;
}

/** A mutating route's answer. */
export interface MutationResponse {
  readonly status: number;
  readonly body: unknown;
}

export interface MutationDeps {
  readonly audit: AuditLog;
  /** The control plane's one idempotency mechanism; keys are scoped to the caller. */
  readonly idempotency: Idempotency;
  readonly clock: () => number;
  /** Told when the audit record could not be completed after the change was made. */
  readonly onAuditError: (error: unknown, entry: AuditEntry) => void;
}

/**
 * Runs one change with the API's guarantees: a replayed `Idempotency-Key` answers with the first
 * answer and changes nothing; the intent is audited before anything changes (no audit, no
 * change) and the outcome after. A request refused with a domain error releases its key (nothing
 * changed, so a corrected retry may run); a failed control function or an unexpected error is
 * kept and replayed, because the change may have started.
 */
export async function runMutation(
  deps: MutationDeps,
  ctx: MutationContext,
  change: () => Promise<MutationResponse>,
): Promise<StoredResponse & { replayed: boolean }> {
  // The error behind a kept problem answer: the first caller gets it thrown, as without a key.
  let kept: unknown;
  const audited = async (): Promise<StoredResponse> => {
    const entry: AuditEntry = {
      id: ctx.requestId,
      at: deps.clock(),
      actor: ctx.caller,
      action: ctx.action,
      target: ctx.target,
      reason: ctx.reason,
      request: ctx.request,
      ...(ctx.idempotencyKey === undefined ? {} : { idempotencyKey: ctx.idempotencyKey }),
    };
    // Nothing changed and nothing is on record when this fails: the key is released.
    await deps.audit.begin(entry);
    try {
      const answer = await change();
      await finishAudit(deps, entry, {
        result: 'succeeded',
        status: answer.status,
        detail: 'done',
        finishedAt: deps.clock(),
      });
      return { status: answer.status, body: answer.body, problem: false };
    } catch (error) {
      const problem = problemFor(error, ctx.instance, ctx.requestId);
      // A domain error means nothing changed, except a control function failing mid-way.
      const refused = error instanceof AdminApiError && !(error instanceof UpstreamError);
      await finishAudit(deps, entry, {
        result: problem.status < 500 ? 'rejected' : 'failed',
        status: problem.status,
        detail: error instanceof AdminApiError ? error.message : 'unexpected error (see the logs)',
        finishedAt: deps.clock(),
      });
      if (refused) throw error;
      kept = error;
      return { status: problem.status, body: problem, problem: true };
    }
  };
  const key = ctx.idempotencyKey;
  if (key === undefined) {
    const response = await audited();
    if (kept !== undefined) throw kept;
    return { ...response, replayed: false };
  }
  const once = await deps.idempotency.once(
    { key: `${ctx.caller}\n${key}`, deadline: ctx.deadline, fingerprint: ctx.fingerprint },
    audited,
  );
  switch (once.kind) {
    case 'replayed':
      return { ...once.value, replayed: true };
    case 'in-progress':
      throw new ConflictError(`A request with Idempotency-Key ${key} is still in progress; retry shortly`);
    case 'mismatch':
      throw new ConflictError(`Idempotency-Key ${key} was already used for a different request`);
    case 'unclaimed':
    case 'failed':
      throw once.error;
    case 'ran':
      if (kept !== undefined) throw kept;
      return { ...once.value, replayed: false };
  }
}

async function finishAudit(deps: MutationDeps, entry: AuditEntry, outcome: AuditOutcome): Promise<void> {
  try {
    await deps.audit.finish(entry, outcome);
  } catch (error) {
    // The change has happened (or failed) already; its intent is on record, so the answer stands.
    deps.onAuditError(error, entry);
  }
}
