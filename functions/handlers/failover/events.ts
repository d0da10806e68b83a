import { ComponentNotConfiguredError } from '../../core/failover/ports';
import type { FailoverEvent } from '../../core/failover/service';
import type { FailoverTrigger } from '../../core/failover/triggers';
import type { Component, ComponentVerdict } from '../../core/failover/types';
import * as z from '../../shared/config/zod';
import { parseFailoverCommand } from './command';
import type { FailoverFunctionConfig } from './config';

/** The EventBridge source and detail type of the health engine's component verdicts. */
export const HEALTH_EVENT_SOURCE = 'misybot.ha.health';
export const HEALTH_EVENT_DETAIL_TYPE = 'Component Health Changed';

/** The health engine's verdict on a component. */
export type ComponentStatus = ComponentVerdict;

/** Something that asks the engine to look at one component (see {@link FailoverTrigger}). */
export type Trigger = FailoverTrigger;

/** What one invocation carries: triggers from EventBridge, or an operator's command. */
export type Invocation =
  | {
      readonly kind: 'triggers';
      readonly source: 'health' | 'alarm' | 'schedule';
      readonly triggers: readonly Trigger[];
    }
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'command'; readonly event: Extract<FailoverEvent, { kind: 'command' }> };

/** An event naming a component or alarm the deployment does not map to a failover component. */
export class UnknownComponentError extends Error {
  override readonly name = 'UnknownComponentError';
}

/** An EventBridge event this function has no rule for. */
export class UnsupportedEventError extends Error {
  override readonly name = 'UnsupportedEventError';
}

const status = z.enum(['healthy', 'degraded', 'down', 'unknown']);
const envelope = z.object({ source: z.string(), 'detail-type': z.string(), time: z.string() });
const healthEvent = z.object({
  detail: z.object({
    component: z.string().check(z.minLength(1)),
    status,
    previous: z.optional(status),
    at: z.iso.datetime(),
    /** The component's checks; a `flapping` one holds automatic failover. */
    checks: z._default(z.array(z.object({ id: z.string(), status: z.string() })), []),
  }),
});
const alarmEvent = z.object({
  detail: z.object({
    alarmName: z.string().check(z.minLength(1)),
    state: z.object({
      value: z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA']),
      timestamp: z.string().check(z.minLength(1)),
    }),
  }),
});

function parsed<T>(schema: z.ZodMiniType<T>, raw: unknown, what: string): T {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const fields = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  throw new UnsupportedEventError(`malformed ${what} event (${fields})`, { cause: result.error });
}

function configured(config: FailoverFunctionConfig, component: Component): Component {
  if (!config.configured.includes(component)) throw new ComponentNotConfiguredError(component);
  return component;
}

/**
 * Classifies one invocation. EventBridge events are recognised by their envelope; anything
 * else is a direct invocation and must be a valid command.
 * @throws {UnknownComponentError} for a health component or alarm with no mapping.
 * @throws {ComponentNotConfiguredError} for an event about a component without a resource.
 * @throws {UnsupportedEventError} for an EventBridge event of another kind or a malformed one.
 * @throws {InputError} for a direct invocation that is not a valid command.
 */
export function parseInvocation(raw: unknown, config: FailoverFunctionConfig): Invocation {
  const env = envelope.safeParse(raw);
  if (!env.success) return { kind: 'command', event: parseFailoverCommand(raw) };
  const { source, 'detail-type': detailType, time } = env.data;
  if (source === HEALTH_EVENT_SOURCE && detailType === HEALTH_EVENT_DETAIL_TYPE) {
    const { detail } = parsed(healthEvent, raw, 'health');
    const component = config.componentMap[detail.component];
    if (!component) {
      const known = Object.keys(config.componentMap).join(', ') || 'none';
      throw new UnknownComponentError(
        `health component "${detail.component}" is not in COMPONENT_MAP (mapped: ${known})`,
      );
    }
    const trigger: Trigger = {
      kind: 'verdict',
      id: `health:${detail.component}:${detail.at}`,
      component: configured(config, component),
      status: detail.status,
      flapping: detail.checks.some((check) => check.status === 'flapping'),
      at: Date.parse(detail.at),
    };
    return { kind: 'triggers', source: 'health', triggers: [trigger] };
  }
  if (source === 'aws.cloudwatch' && detailType === 'CloudWatch Alarm State Change') {
    const { detail } = parsed(alarmEvent, raw, 'alarm state change');
    const component = config.alarmComponents[detail.alarmName];
    if (!component) throw new UnknownComponentError(`alarm "${detail.alarmName}" is not in ALARM_COMPONENTS`);
    const alarmState = detail.state.value;
    if (alarmState === 'INSUFFICIENT_DATA')
      return { kind: 'ignored', reason: `alarm ${detail.alarmName} has insufficient data: not a verdict` };
    const trigger: Trigger = {
      kind: 'alarm',
      id: `alarm:${detail.alarmName}:${detail.state.timestamp}`,
      component: configured(config, component),
      alarmName: detail.alarmName,
      alarmState,
    };
    return { kind: 'triggers', source: 'alarm', triggers: [trigger] };
  }
  if (source === 'aws.events' && detailType === 'Scheduled Event') {
    const triggers = config.configured.map(
      (component): Trigger => ({ kind: 'observe', id: `schedule:${component}:${time}`, component }),
    );
    return { kind: 'triggers', source: 'schedule', triggers };
  }
  throw new UnsupportedEventError(
    `no failover trigger for EventBridge events "${detailType}" from ${source}`,
  );
}
