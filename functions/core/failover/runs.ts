import type { FailoverHolds } from './holds';
import { type FailoverDeps, type FailoverEvent, type FailoverResult, handleFailoverEvent } from './service';
import type { FailoverCoreSettings } from './settings';
import { type FailoverTrigger, resolveTrigger } from './triggers';

/**
 * One run of the engine on one event, with the alert holds of its component: the health engine's
 * symptom alerts are held from the run's first resource action until the component settles.
 * @throws {FailoverPersistenceError} when an operation ran but its outcome could not be saved.
 */
export async function runFailoverEvent(
  deps: FailoverDeps,
  holds: FailoverHolds,
  event: FailoverEvent,
  settings: FailoverCoreSettings,
): Promise<FailoverResult> {
  const held = holds.forRun(event.component, deps.owner, deps.actions, deps.clock);
  const result = await handleFailoverEvent({ ...deps, actions: held.actions }, event, settings, deps.clock());
  await held.settle(result);
  return result;
}

/**
 * One run on a trigger from EventBridge: the trigger resolved into the engine's event (see
 * {@link resolveTrigger}), then {@link runFailoverEvent}. `note` says how the trigger was read.
 * @throws whatever observing the component throws, so the delivery is retried.
 */
export async function runFailoverTrigger(
  deps: FailoverDeps,
  holds: FailoverHolds,
  trigger: FailoverTrigger,
  settings: FailoverCoreSettings,
): Promise<{ readonly result: FailoverResult; readonly note: string }> {
  const { event, note } = await resolveTrigger(trigger, deps.observer, deps.clock);
  return { result: await runFailoverEvent(deps, holds, event, settings), note };
}
