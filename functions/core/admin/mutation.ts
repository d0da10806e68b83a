import { AdminApiError, ConflictError, UpstreamError } from './errors';
import type { AuditEntry, AuditLog, AuditOutcome, IdempotencyStore, StoredResponse } from './ports';
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
  readonly idempotency: IdempotencyStore;
  readonly clock: () => number;
  /** Told when the audit record could not be completed after the change was made. */
  readonly onAuditError: (error: unknown, entry: AuditEntry) => void;
}

/**
 * Runs one change with the API's guarantees: a replayed `Idempotency-Key` answers with the first
 * answer and changes nothing; the intent is audited before anything changes (no audit, no
 * change) and the outcome after. A request refused with a domain error frees its key (nothing
 * changed, so a corrected retry may run); a failed control function or an unexpected error is
 * kept and replayed, because the change may have started.
 */
export async function runMutation(
  deps: MutationDeps,
  ctx: MutationContext,
  change: () => Promise<MutationResponse>,
): Promise<StoredResponse & { replayed: boolean }> {
  const key = ctx.idempotencyKey;
  if (key !== undefined) {
    const claim = await deps.idempotency.claim(ctx.caller, key, ctx.fingerprint, deps.clock());
    if (claim.kind === 'replay') return { ...claim.response, replayed: true };
    if (claim.kind === 'in-progress')
      throw new ConflictError(`A request with Idempotency-Key ${key} is still in progress; retry shortly`);
    if (claim.kind === 'mismatch')
      throw new ConflictError(`Idempotency-Key ${key} was already used for a different request`);
  }
  const entry: AuditEntry = {
    id: ctx.requestId,
    at: deps.clock(),
    actor: ctx.caller,
    action: ctx.action,
    target: ctx.target,
    reason: ctx.reason,
    request: ctx.request,
    ...(key === undefined ? {} : { idempotencyKey: key }),
  };
  try {
    await deps.audit.begin(entry);
  } catch (error) {
    // Nothing changed and nothing is on record: the request may simply be retried.
    if (key !== undefined) await deps.idempotency.release(ctx.caller, key);
    throw error;
  }
  let response: StoredResponse;
  try {
    const answer = await change();
    response = { status: answer.status, body: answer.body, problem: false };
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
    if (key !== undefined) {
      if (refused) await deps.idempotency.release(ctx.caller, key);
      else
        await deps.idempotency.complete(
          ctx.caller,
          key,
          { status: problem.status, body: problem, problem: true },
          deps.clock(),
        );
    }
    throw error;
  }
  await finishAudit(deps, entry, {
    result: 'succeeded',
    status: response.status,
    detail: 'done',
    finishedAt: deps.clock(),
  });
  if (key !== undefined) await deps.idempotency.complete(ctx.caller, key, response, deps.clock());
  return { ...response, replayed: false };
}

async function finishAudit(deps: MutationDeps, entry: AuditEntry, outcome: AuditOutcome): Promise<void> {
  try {
    await deps.audit.finish(entry, outcome);
  } catch (error) {
    // The change has happened (or failed) already; its intent is on record, so the answer stands.
    deps.onAuditError(error, entry);
  }
}
