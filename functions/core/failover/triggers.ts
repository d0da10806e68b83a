import type { HealthObserver } from './ports';
import type { FailoverEvent } from './service';
import type { Component, ComponentVerdict } from './types';

/**
 * Something that asks the engine to look at one component. `id` is derived from what the event
 * reports, never from the delivery, so a redelivered or re-published event carries the same id.
 */
export type FailoverTrigger =
  | {
      /** The health engine published a new status for a component mapped to this one. */
      readonly kind: 'verdict';
      readonly id: string;
      readonly component: Component;
      readonly status: ComponentVerdict;
      /** One of the component's checks is flapping (its status in the event's `checks`). */
      readonly flapping: boolean;
      /** The health round that saw it. */
      readonly at: number;
    }
  | Extract<FailoverEvent, { kind: 'alarm' }>
  | { readonly kind: 'observe'; readonly id: string; readonly component: Component };

/** The engine's event for a trigger, and a sentence for the log. */
export interface ResolvedTrigger {
  readonly event: FailoverEvent;
  readonly note: string;
}

/**
 * Turns a trigger into the engine's event, observing the component where the event must carry its
 * health. A scheduled observation is dated when it is read; a verdict by the health round that saw
 * it, so two deliveries of one round count once. The verdict travels with the observation: the
 * state machine keeps it (it stands until the health engine publishes another) and weighs it
 * against the roles it resolves by id. An alarm is passed on as it is: the service observes the
 * component under the lock, and the machine decides whether the observation confirms it.
 * @throws whatever the observer throws (throttling, access denied): the delivery is retried.
 */
export async function resolveTrigger(
  trigger: FailoverTrigger,
  observer: HealthObserver,
  clock: () => number,
): Promise<ResolvedTrigger> {
  const { id, component } = trigger;
  switch (trigger.kind) {
    case 'observe': {
      const health = await observer.observe(component);
      const observedAt = clock();
      return { event: { kind: 'health', id, component, health, observedAt }, note: 'scheduled observation' };
    }
    case 'verdict': {
      const health = await observer.observe(component);
      const verdict = { status: trigger.status, flapping: trigger.flapping, at: trigger.at };
      return {
        event: { kind: 'health', id, component, health, observedAt: trigger.at, verdict },
        note: `health verdict ${trigger.status}${trigger.flapping ? ' (flapping)' : ''}; primary ${health.primary.id} observed ${health.primary.healthy ? 'healthy' : 'unhealthy'}`,
      };
    }
    case 'alarm':
      return { event: trigger, note: `alarm ${trigger.alarmName} ${trigger.alarmState}` };
  }
}
