import type { HealthObserver } from '../../core/failover/ports';
import type { FailoverEvent } from '../../core/failover/service';
import type { HealthSnapshot } from '../../core/failover/types';
import type { ComponentStatus, Trigger } from './events';

/** The engine's event for a trigger, and a sentence for the log when the mapping decided something. */
export interface ResolvedTrigger {
  readonly event: FailoverEvent;
  readonly note: string;
}

/**
 * The snapshot the engine decides on after a health verdict. `down` is the health engine's
 * confirmed failure (its own consecutive-threshold state machine, probing the path users take),
 * so the primary counts as unhealthy whatever the component's status API says. Any other
 * verdict does not prove the primary works: the engine's own observation decides, so a
 * failback never rests on `degraded` or `unknown`. Nor does `down` while users are sent to a
 * standby (an inverted Route 53 check): the path users take no longer reaches the primary, and
 * counting its failure against the primary would undo an operator's failover within a minute.
 */
export function withVerdict(observed: HealthSnapshot, status: ComponentStatus): HealthSnapshot {
  if (status !== 'down' || !observed.primary.healthy || observed.usersReachPrimary === false) return observed;
  return { ...observed, primary: { ...observed.primary, healthy: false } };
}

/**
 * Turns a trigger into the engine's event, observing the component where the trigger does not
 * carry its health. An alarm is a symptom, not a verdict: the state machine treats `ALARM` as a
 * confirmed failure and fails over at once, so an alarm is passed on as such only when the
 * engine's own observation agrees that the primary is unhealthy. Otherwise it is counted as the
 * healthy check it is, and a CPU or lag alarm on a working writer never moves it.
 * @throws whatever the observer throws (throttling, access denied): the invocation is retried.
 */
export async function resolveTrigger(trigger: Trigger, observer: HealthObserver): Promise<ResolvedTrigger> {
  const { id, component } = trigger;
  switch (trigger.kind) {
    case 'observe': {
      const health = await observer.observe(component);
      return { event: { kind: 'health', id, component, health }, note: 'scheduled observation' };
    }
    case 'verdict': {
      const health = withVerdict(await observer.observe(component), trigger.status);
      return {
        event: { kind: 'health', id, component, health },
        note: `health verdict ${trigger.status}; primary ${health.primary.id} counted ${health.primary.healthy ? 'healthy' : 'unhealthy'}`,
      };
    }
    case 'alarm': {
      const alarm: FailoverEvent = {
        kind: 'alarm',
        id,
        component,
        alarmName: trigger.alarmName,
        alarmState: trigger.alarmState,
      };
      if (trigger.alarmState === 'OK') return { event: alarm, note: `alarm ${trigger.alarmName} OK` };
      const health = await observer.observe(component);
      if (!health.primary.healthy)
        return {
          event: alarm,
          note: `alarm ${trigger.alarmName} confirmed: primary ${health.primary.id} observed unhealthy`,
        };
      return {
        event: { kind: 'health', id, component, health },
        note: `alarm ${trigger.alarmName} not confirmed: primary ${health.primary.id} observed healthy, counted as a healthy check`,
      };
    }
  }
}
