import { MAX_SILENCE_MS, type Silence } from '../../alerting/silences';
import { NotFoundError, UnprocessableError } from '../errors';
import type { CreateSilenceRequest } from '../schemas/requests';
import type { AdminDeps } from '../settings';

const view = (silence: Silence) => ({
  id: silence.id,
  matchers: silence.matchers,
  startsAt: new Date(silence.startsAt).toISOString(),
  endsAt: new Date(silence.endsAt).toISOString(),
  createdBy: silence.createdBy,
  comment: silence.comment,
});

/** GET /alerts/silences: silences that have not ended. */
export async function listSilences(deps: AdminDeps) {
  const silences = await deps.readModel.silences(deps.clock());
  return { silences: silences.sort((a, b) => a.startsAt - b.startsAt).map(view) };
}

/** POST /alerts/silences: the silence's id is the request's id. */
export async function createSilence(
  deps: AdminDeps,
  request: CreateSilenceRequest,
  caller: { arn: string; requestId: string },
) {
  const now = deps.clock();
  const startsAt = request.startsAt === undefined ? now : Date.parse(request.startsAt);
  const endsAt = Date.parse(request.endsAt);
  if (endsAt <= now) throw new UnprocessableError(`endsAt (${request.endsAt}) is already past`);
  if (endsAt <= startsAt)
    throw new UnprocessableError('endsAt must be after startsAt (which defaults to now)');
  // Bounded from the start even when the request gives none: a silence must not outlive its reason.
  if (endsAt - startsAt > MAX_SILENCE_MS)
    throw new UnprocessableError(
      `endsAt (${request.endsAt}) must be at most 30 days after startsAt (which defaults to now)`,
    );
  const silence: Silence = {
    id: caller.requestId,
    matchers: request.matchers,
    startsAt,
    endsAt,
    createdBy: caller.arn,
    comment: request.reason,
  };
  await deps.silences.putSilence(silence);
  return view(silence);
}

/** DELETE /alerts/silences/{id} */
export async function removeSilence(deps: AdminDeps, id: string) {
  if (!(await deps.silences.removeSilence(id))) throw new NotFoundError(`No silence "${id}"`);
  return { id, removed: true };
}
