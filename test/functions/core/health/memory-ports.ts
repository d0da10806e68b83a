import type { Incident } from '../../../../functions/core/alerting/incident';
import type { Notification } from '../../../../functions/core/alerting/notification';
import type { AlertRules, IncidentStore, Notifier } from '../../../../functions/core/alerting/service';
import type { Hold, Silence } from '../../../../functions/core/alerting/silences';
import type { Probe } from '../../../../functions/core/health/probe';
import type { CheckStateStore, Clock, HealthDeps } from '../../../../functions/core/health/service';
import type { CheckState } from '../../../../functions/core/health/state-machine';

/** A versioned map with the same conditional-write contract as the DynamoDB stores. */
class VersionedMap<T extends { version: number }> {
  readonly items = new Map<string, T>();
  /**
   * Called before each save; return true to make that save lose a race: another writer stores
   * the same value under another round id, and the version moves on.
   */
  interfere: (key: string) => boolean = () => false;
  saves = 0;

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  save(key: string, value: T, expectedVersion: number | undefined): boolean {
    this.saves++;
    if (this.interfere(key)) {
      const stored = this.items.get(key);
      if (stored) this.items.set(key, { ...stored, version: stored.version + 1 });
      else this.items.set(key, { ...value, lastRoundId: 'another-writer', version: 1 });
      return false;
    }
    if (this.items.get(key)?.version !== expectedVersion) return false;
    this.items.set(key, { ...value, version: (expectedVersion ?? 0) + 1 });
    return true;
  }
}

/** Check states in memory. */
export class MemoryCheckStates implements CheckStateStore {
  readonly map = new VersionedMap<CheckState>();

  async load(ids: readonly string[]) {
    return new Map(ids.flatMap((id) => (this.map.get(id) ? [[id, this.map.get(id)!] as const] : [])));
  }

  async save(state: CheckState, expectedVersion: number | undefined) {
    return this.map.save(state.checkId, state, expectedVersion);
  }
}

/** Incidents in memory, with the resolved ones kept as history. */
export class MemoryIncidents implements IncidentStore {
  readonly map = new VersionedMap<Incident>();
  readonly history: Incident[] = [];

  async loadCurrent(components: readonly string[]) {
    return new Map(components.flatMap((c) => (this.map.get(c) ? [[c, this.map.get(c)!] as const] : [])));
  }

  async save(incident: Incident, expectedVersion: number | undefined) {
    const saved = this.map.save(incident.component, incident, expectedVersion);
    if (saved && incident.state === 'resolved') this.history.push(incident);
    return saved;
  }
}

/** Silences and holds set directly by the test. */
export class MemoryRules implements AlertRules {
  silences: Silence[] = [];
  holds: Hold[] = [];

  async activeSilences() {
    return this.silences;
  }

  async activeHolds() {
    return this.holds;
  }
}

/** Records what was published; `failNext` makes the next publishes throw. */
export class MemoryNotifier implements Notifier {
  readonly sent: Notification[] = [];
  failNext = 0;

  async publish(notification: Notification) {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('SNS unavailable');
    }
    this.sent.push(notification);
  }
}

/** A clock the test moves; `sleep` advances it at once. */
export class ManualClock implements Clock {
  constructor(public time = Date.UTC(2026, 0, 1)) {}

  now() {
    return this.time;
  }

  async sleep(ms: number) {
    this.time += ms;
  }
}

/** The health engine's ports in memory around a test's probe, each store kept readable by the test. */
export function memoryHealthDeps(probe: Probe, clock: ManualClock) {
  return {
    probe,
    clock,
    checkStates: new MemoryCheckStates(),
    incidents: new MemoryIncidents(),
    rules: new MemoryRules(),
    notifier: new MemoryNotifier(),
  } satisfies HealthDeps;
}
