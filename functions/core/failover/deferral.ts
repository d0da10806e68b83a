import type { FailoverEvent } from './service';
import type { FailoverState, HealthVerdict, Operation } from './types';

/**
 * Whether an event that found its component's lease held may be left to the operation holding
 * it, instead of failing its invocation for a retry (which raises the function's error alarm
 * during a planned change).
 *
 * Only an event whose loss changes nothing is left:
 * - a scheduled observation: its purpose is to read the component, which the operation's own
 *   closing verification does, and the schedule reads it again a minute later;
 * - a health verdict whose only new information is the observation: the run would observe the
 *   component (the verdict event carries no snapshot; `resolveTrigger` reads one), which the
 *   operation's verification and the next scheduled observation do too. The verdict itself is a
 *   different matter: the health engine publishes a change once, and the engine keeps the last
 *   one in the state (`withVerdict`), where a standing `down` counts the primary unhealthy and a
 *   standing `flapping` holds automation. No scheduled observation brings a verdict back, so a
 *   verdict that would change either (or that could close an open flapping episode) is retried
 *   as before: dropping it would leave a stale `down` or `flapping` standing until the next change.
 * Commands and alarms are never left: a command is an operator's request, and an `ALARM` is
 * evidence that a failover may need once the operation ends (on a failed operation, at once).
 * Nor is an event left to the operation it started itself (a retry after its run failed with the
 * lease unreleased): its retry is what takes the operation over once the lease lapses.
 */

/** Why `event` is left to the operation in `state`, or `undefined` when it must be retried. */
export function deferral(
  event: FailoverEvent,
  state: FailoverState | undefined,
  now: number,
): string | undefined {
  const operation = state?.operation;
  // A lapsed operation is being taken over (or must be): the event's retry sees where it stands.
  if (state === undefined || operation === undefined || now >= operation.leaseUntil) return undefined;
  // The event's own operation, its run gone with the lease still held: its retry finishes it.
  if (event.kind !== 'health' || operation.id === event.id) return undefined;
  const held = `failover#${event.component} is held by ${describeOperation(operation)}`;
  if (event.verdict === undefined)
    return `deferred: ${held}; this scheduled observation is left to it (its verification reads ${event.component}, and the next scheduled observation re-evaluates)`;
  if (verdictMatters(state, event.verdict)) return undefined;
  return `deferred: ${held}; this health verdict (${event.verdict.status}${event.verdict.flapping ? ', flapping' : ''}) changes nothing the engine acts on, and its observation is left to the operation's verification and the next scheduled observation`;
}

/** `operation X (operator failover, started T)`. */
function describeOperation(operation: Operation): string {
  const who = operation.resumed ? 'resumed' : operation.automatic ? 'automatic' : 'operator';
  return `operation ${operation.id} (${who} ${operation.kind}, started ${new Date(operation.startedAt).toISOString()})`;
}

/**
 * Whether keeping `verdict` would change what the engine does: the engine acts on a verdict's
 * `down` (evidence against the primary, no recovery counted) and `flapping` (automation held),
 * and a newer verdict can close an open flapping episode. An older verdict than the one kept is
 * ignored by `withVerdict` anyway.
 */
function verdictMatters(state: FailoverState, verdict: HealthVerdict): boolean {
  if (state.verdict !== undefined && state.verdict.at >= verdict.at) return false;
  if (state.flapping !== undefined) return true;
  const acts = (v: HealthVerdict | undefined) => `${v?.status === 'down'}/${v?.flapping === true}`;
  return acts(state.verdict) !== acts(verdict);
}
