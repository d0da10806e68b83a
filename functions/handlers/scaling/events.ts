import type { ScalingRequest } from '../../core/scaling/service';
import * as z from '../../shared/config/zod';
import { InputError } from '../../shared/errors';

/** The EventBridge detail types the function has rules for. */
export const SCHEDULED_EVENT = 'Scheduled Event';
export const ALARM_STATE_CHANGE = 'CloudWatch Alarm State Change';

// EventBridge adds fields over time, so envelopes are not strict; the operator's request is.
const scheduledEvent = z.object({
  id: z.string().check(z.minLength(1)),
  'detail-type': z.literal(SCHEDULED_EVENT),
  source: z.literal('aws.events'),
  time: z.string().check(z.minLength(1)),
  resources: z._default(z.array(z.string()), []),
});
const alarmEvent = z.object({
  id: z.string().check(z.minLength(1)),
  'detail-type': z.literal(ALARM_STATE_CHANGE),
  source: z.literal('aws.cloudwatch'),
  time: z.string().check(z.minLength(1)),
  detail: z.object({
    alarmName: z.string().check(z.minLength(1)),
    state: z.object({ value: z.string().check(z.minLength(1)), reason: z.optional(z.string()) }),
    previousState: z.optional(z.object({ value: z.string().check(z.minLength(1)) })),
  }),
});
/** The admin API's "evaluate now": `{ "dryRun": true, "reason": "checking the new policy" }`. */
export const directInvokeSchema = z.strictObject({
  dryRun: z.boolean(),
  reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(500)),
});

/** A request without the invocation's own id and deadline (the handler adds them). */
export type ParsedRequest = Omit<ScalingRequest, 'runId' | 'deadline'>;

/** True for an EventBridge envelope, as opposed to a direct invoke. */
export function isEventBridgeEvent(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && ('detail-type' in raw || 'source' in raw);
}

/**
 * Turns an EventBridge event into a request. The idempotency key is the event id, namespaced
 * (one alarm event reaches the failover function too, with the same id).
 * @throws {InputError} naming the field for an event this function has no rule for.
 */
export function parseEventBridgeEvent(raw: unknown): ParsedRequest {
  const type = (raw as Record<string, unknown>)['detail-type'];
  if (type === SCHEDULED_EVENT) {
    const event = parse(scheduledEvent, raw, 'scheduled event');
    return { eventKey: `scaling:${event.id}`, trigger: 'schedule', reason: `schedule at ${event.time}` };
  }
  if (type === ALARM_STATE_CHANGE) {
    const event = parse(alarmEvent, raw, 'alarm state change');
    const { alarmName, state, previousState } = event.detail;
    const change = previousState ? `${previousState.value} → ${state.value}` : state.value;
    return {
      eventKey: `scaling:${event.id}`,
      trigger: 'alarm',
      reason: `alarm ${alarmName} ${change}${state.reason ? `: ${state.reason}` : ''}`.slice(0, 1000),
    };
  }
  throw new InputError(
    `Invalid scaling event: detail-type: must be "${SCHEDULED_EVENT}" or "${ALARM_STATE_CHANGE}", got ${JSON.stringify(type)}`,
  );
}

/**
 * Turns an operator's direct invoke into a request; `invocationId` (the Lambda request id, kept
 * across Lambda's own retries of one invoke) makes the idempotency key.
 * @throws {InputError} naming every field that is wrong.
 */
export function parseDirectInvoke(raw: unknown, invocationId: string): ParsedRequest {
  const input = parse(directInvokeSchema, raw, 'request');
  return {
    eventKey: `scaling:manual:${invocationId}`,
    trigger: 'manual',
    reason: `operator: ${input.reason}`,
    dryRun: input.dryRun,
  };
}

function parse<T>(schema: z.ZodMiniType<T>, raw: unknown, what: string): T {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const fields = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new InputError(`Invalid scaling ${what}: ${fields.join('; ')}`, { cause: result.error });
}
