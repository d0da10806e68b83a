import type { ComponentCheck, ComponentStatus } from '../health/rollup';
import type { Severity, Suppression } from './notification';

/** What was last sent for an incident; the next notification is decided against it. */
export interface NotifiedSnapshot {
  readonly at: number;
  readonly severity: Severity;
  readonly status: ComponentStatus;
  readonly reasons: readonly string[];
  /** Notifications sent for this incident so far. */
  readonly count: number;
}

/**
 * An incident: one per component from the round it left `healthy` until the round it came back.
 * Repeated failures update it; only its opening, escalation, a changed picture (at most once per
 * group interval), a reminder and its resolution are sent. `version` guards the conditional write.
 */
export interface Incident {
  /** `<component>@<opened ISO time>`. */
  readonly id: string;
  readonly component: string;
  readonly state: 'open' | 'resolved';
  readonly severity: Severity;
  /** The component's latest status while open. */
  readonly status: ComponentStatus;
  readonly openedAt: number;
  readonly updatedAt: number;
  readonly resolvedAt?: number;
  /** Rounds the component was seen not healthy. */
  readonly occurrences: number;
  readonly reasons: readonly string[];
  readonly checks: readonly ComponentCheck[];
  readonly notified?: NotifiedSnapshot;
  /** Set while the incident's alerts are silenced, inhibited or held. */
  readonly suppressed?: Suppression;
  /** Kept once alerts were held for a failover or scale-out, for the summary sent afterwards. */
  readonly held?: { readonly reasons: readonly string[]; readonly since: number; readonly rounds: number };
  readonly version: number;
}

/** The severity a component status pages with. */
export function severityOf(status: ComponentStatus): Severity {
  return status === 'down' ? 'critical' : 'warning';
}

/** A new incident for a component that just left `healthy`. */
export function openIncident(
  component: string,
  status: ComponentStatus,
  reasons: readonly string[],
  checks: readonly ComponentCheck[],
  now: number,
  version: number,
): Incident {
  return {
    id: `${component}@${new Date(now).toISOString()}`,
    component,
    state: 'open',
    severity: severityOf(status),
    status,
    openedAt: now,
    updatedAt: now,
    occurrences: 1,
    reasons,
    checks,
    version,
  };
}
