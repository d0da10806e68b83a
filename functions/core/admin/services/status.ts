import type { AdminDeps } from '../settings';
import { describeFailover } from './failover';
import { componentHealth } from './health';
import { listIncidents } from './incidents';

/** A section of GET /status that could not be read; the others are still answered. */
export interface SectionError {
  readonly section: string;
  readonly message: string;
}

/**
 * GET /status: health, failover, fleet capacity, recent scaling decisions and open incidents in
 * one call. Sections are read in parallel and independently: during an incident one broken
 * dependency must not hide the rest of the picture, so a failed section is `null` and listed in
 * `errors`, and `onSectionError` gets the cause for the logs.
 */
export async function platformStatus(
  deps: AdminDeps,
  onSectionError: (section: string, error: unknown) => void,
) {
  const group = deps.settings.autoScalingGroupName;
  const sections = {
    health: async () => {
      const { components } = await componentHealth(deps);
      return components.map(({ component, status, reasons }) => ({ component, status, reasons }));
    },
    failover: async () => (await describeFailover(deps)).components,
    fleet: async () => {
      const capacity = await deps.scaling.group(group);
      return capacity
        ? {
            group,
            minCapacity: capacity.minCapacity,
            maxCapacity: capacity.maxCapacity,
            desiredCapacity: capacity.desiredCapacity,
            inService: capacity.instances.filter((i) => i.lifecycleState === 'InService').length,
          }
        : null;
    },
    scaling: async () => (await deps.scaling.record(group, 5)).decisions,
    incidents: async () => (await listIncidents(deps, { state: 'open', limit: 20 })).incidents,
  };
  const names = Object.keys(sections) as (keyof typeof sections)[];
  const settled = await Promise.allSettled(names.map((name) => sections[name]()));
  const errors: SectionError[] = [];
  const body: Record<string, unknown> = { at: new Date(deps.clock()).toISOString() };
  settled.forEach((result, index) => {
    const name = names[index]!;
    if (result.status === 'fulfilled') {
      body[name] = result.value;
      return;
    }
    body[name] = null;
    errors.push({ section: name, message: `${name} could not be read` });
    onSectionError(name, result.reason);
  });
  return { ...body, errors };
}
