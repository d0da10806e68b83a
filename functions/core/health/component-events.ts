import type { ComponentHealth, ComponentStatus } from './rollup';

/**
 * Component status changes as events for other engines (failover, scaling, the admin API). The
 * last status published per component is stored with a version, so each change is published
 * once however many invocations overlap, and a change whose publish failed is published again
 * by the next round.
 */

/** A component's last published status. */
export interface ComponentStatusRecord {
  readonly component: string;
  readonly status: ComponentStatus;
  /** Clock time the status was first seen. */
  readonly since: number;
  readonly version: number;
}

/** Where the last published statuses live (the state table). Writes are conditional. */
export interface ComponentStatusStore {
  load(components: readonly string[]): Promise<Map<string, ComponentStatusRecord>>;
  /**
   * Stores `record` with version `(expectedVersion ?? 0) + 1` if the stored one still has
   * `expectedVersion` (`undefined`: none stored).
   * @returns false when another writer got there first.
   */
  save(record: Omit<ComponentStatusRecord, 'version'>, expectedVersion: number | undefined): Promise<boolean>;
}

/** The detail of a `Component Health Changed` event. */
export interface ComponentHealthChanged {
  readonly component: string;
  readonly status: ComponentStatus;
  /** `unknown` for a component never published before. */
  readonly previous: ComponentStatus;
  /** ISO time of the round that saw the change. */
  readonly at: string;
  readonly checks: readonly { readonly id: string; readonly status: string }[];
}

/** Puts component events on a bus. Rejects when any event was not accepted. */
export interface HealthEventPublisher {
  publish(events: readonly ComponentHealthChanged[]): Promise<void>;
}

/** The ports {@link publishComponentChanges} uses. */
export interface ComponentEventDeps {
  readonly componentStatuses: ComponentStatusStore;
  readonly events: HealthEventPublisher;
}

/** What was published this round, and what went wrong without stopping the round. */
export interface ComponentEventReport {
  readonly published: readonly ComponentHealthChanged[];
  readonly errors: readonly string[];
}

/**
 * Publishes one event per component whose status differs from the last one stored. The new
 * status is claimed with a conditional write first (a lost race means another invocation
 * publishes it); if publishing then fails, the claim is put back so the next round retries.
 * Never rejects: failures are returned in `errors`.
 */
export async function publishComponentChanges(
  deps: ComponentEventDeps,
  components: readonly ComponentHealth[],
  now: number,
): Promise<ComponentEventReport> {
  const errors: string[] = [];
  let stored: Map<string, ComponentStatusRecord>;
  try {
    stored = await deps.componentStatuses.load(components.map((c) => c.component));
  } catch (error) {
    return { published: [], errors: [`component statuses not read: ${(error as Error).message}`] };
  }
  const claimed: { event: ComponentHealthChanged; previous?: ComponentStatusRecord }[] = [];
  for (const health of components) {
    const previous = stored.get(health.component);
    const before = previous?.status ?? 'unknown';
    if (before === health.status) continue;
    try {
      const won = await deps.componentStatuses.save(
        { component: health.component, status: health.status, since: now },
        previous?.version,
      );
      if (!won) continue;
    } catch (error) {
      errors.push(`${health.component}: status not saved: ${(error as Error).message}`);
      continue;
    }
    claimed.push({
      previous,
      event: {
        component: health.component,
        status: health.status,
        previous: before,
        at: new Date(now).toISOString(),
        checks: health.checks.map((check) => ({ id: check.checkId, status: check.status })),
      },
    });
  }
  if (claimed.length === 0) return { published: [], errors };
  try {
    await deps.events.publish(claimed.map((c) => c.event));
    return { published: claimed.map((c) => c.event), errors };
  } catch (error) {
    errors.push(`component events not published: ${(error as Error).message}`);
    for (const { event, previous } of claimed) {
      const restored = await deps.componentStatuses
        .save(
          { component: event.component, status: event.previous, since: previous?.since ?? now },
          (previous?.version ?? 0) + 1,
        )
        .catch(() => false);
      if (!restored) errors.push(`${event.component}: could not mark the event for a retry`);
    }
    return { published: [], errors };
  }
}
