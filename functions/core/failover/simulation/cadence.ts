import { parseHealthCheckConfig } from '../../health/health-config';
import { rollupComponents } from '../../health/rollup';
import { advanceCheckState, type CheckState } from '../../health/state-machine';
import { FailoverHolds } from '../holds';
import { runFailoverEvent, runFailoverTrigger } from '../runs';
import type { FailoverDeps } from '../service';
import type { FailoverCoreSettings } from '../settings';
import type { ComponentVerdict } from '../types';
import {
  MemoryFailoverStore,
  MemoryLedger,
  MemoryLock,
  noHolds,
  RecordingPager,
  SimulatedCluster,
} from './world';

/**
 * The failover engine at production cadence: the health engine probing the database every 10 s
 * on wall-clock ticks (its own thresholds and flap detection) and publishing each change of the
 * component's status as a verdict, and the failover function's 1-minute schedule firing at a
 * random phase in the minute, each delivery with jitter. The writer instance `db-1` is up or down
 * as the scenario says; the readers are always up. Everything runs through the real engine
 * (`runFailoverTrigger`) on in-memory ports, in time order.
 */

/** One simulated day (or more) of a scenario. */
export interface CadenceScenario {
  /** Whether `db-1`, the first writer, answers `t` ms after the start. */
  readonly primaryUp: (t: number) => boolean;
  readonly hours: number;
  readonly settings: FailoverCoreSettings;
  /** The schedule's phase in the minute, and every probe's and delivery's jitter. */
  readonly random: () => number;
  /**
   * `guarded`: the engine as it is. `counting`: the engine as it was, for a baseline: every
   * delivery counts, a health verdict weighs on its own event only, and flapping is ignored.
   */
  readonly engine: 'guarded' | 'counting';
}

/** What happened, in ms since the start. */
export interface CadenceReport {
  /** Automatic switches away from `db-1`. */
  readonly failovers: readonly number[];
  /** Switches back to `db-1`. */
  readonly failbacks: readonly number[];
  /** Flapping episodes paged to a human. */
  readonly flappingPages: number;
  /** Every alert sent. */
  readonly pages: number;
  /** Verdicts the health engine published. */
  readonly verdicts: number;
  /** The most failovers that started within any one hold-down window. */
  readonly maxFailoversPerHoldDown: number;
}

const START = Date.UTC(2026, 0, 5);
const TICK_MS = 10_000;
const MINUTE_MS = 60_000;
const MAX_PROBE_JITTER_MS = 300;
const MAX_DELIVERY_MS = 2_000;
const SCHEDULE_JITTER_MS = 2_000;

type SimEvent =
  | { readonly at: number; readonly kind: 'tick'; readonly tick: number }
  | { readonly at: number; readonly kind: 'schedule'; readonly minute: number }
  | {
      readonly at: number;
      readonly kind: 'verdict';
      readonly round: number;
      readonly status: ComponentVerdict;
      readonly flapping: boolean;
    };

/** Events in time order; a delivery scheduled while another is handled lands in its place. */
class Timeline {
  private readonly events: SimEvent[] = [];

  add(event: SimEvent): void {
    let index = this.events.length;
    while (index > 0 && this.events[index - 1]!.at > event.at) index--;
    this.events.splice(index, 0, event);
  }

  next(): SimEvent | undefined {
    return this.events.shift();
  }
}

const healthConfig = parseHealthCheckConfig({
  components: [{ id: 'database' }],
  checks: [{ id: 'db-port', component: 'database', kind: 'tcp', host: 'db.internal', port: 5432 }],
});

/** Runs the scenario and reports what the engine did. */
export async function simulateCadence(scenario: CadenceScenario): Promise<CadenceReport> {
  const { random } = scenario;
  const clock = { time: START, now: () => clock.time };
  const cluster = new SimulatedCluster(clock, (id, at) => id !== 'db-1' || scenario.primaryUp(at - START));
  const pager = new RecordingPager(clock);
  const deps: FailoverDeps = {
    store: new MemoryFailoverStore(),
    actions: cluster,
    observer: cluster,
    notifier: pager,
    lock: new MemoryLock(),
    ledger: new MemoryLedger(),
    owner: 'simulation',
    clock: clock.now,
  };
  const settings: FailoverCoreSettings =
    scenario.engine === 'guarded'
      ? scenario.settings
      : {
          ...scenario.settings,
          minUnhealthySeconds: 0,
          probeRoundSeconds: 0.001,
          flapTransitions: Number.MAX_SAFE_INTEGER,
        };
  const holds = new FailoverHolds(noHolds, {}, settings.operationLeaseSeconds, { warn: () => undefined });
  const end = START + scenario.hours * 3_600_000;
  const timeline = new Timeline();
  const phase = random() * MINUTE_MS;
  for (let tick = START; tick < end; tick += TICK_MS)
    timeline.add({ at: tick + random() * MAX_PROBE_JITTER_MS, kind: 'tick', tick });
  for (let minute = START; minute < end; minute += MINUTE_MS) {
    const at = Math.max(minute, minute + phase + (random() - 0.5) * SCHEDULE_JITTER_MS);
    timeline.add({ at, kind: 'schedule', minute });
  }

  let check: CheckState | undefined;
  let published: ComponentVerdict = 'unknown';
  let verdicts = 0;
  const policy = {
    failureThreshold: healthConfig.checks[0]!.failureThreshold,
    successThreshold: healthConfig.checks[0]!.successThreshold,
    flapTransitions: healthConfig.flapping.transitions,
    flapWindowMs: healthConfig.flapping.windowSeconds * 1000,
  };
  for (let event = timeline.next(); event; event = timeline.next()) {
    clock.time = Math.max(clock.time, event.at);
    if (event.kind === 'tick') {
      const status = cluster.serving(event.at) ? 'up' : 'down';
      check = advanceCheckState(
        check,
        { checkId: 'db-port', status, latencyMs: 1 },
        policy,
        `tick#${event.tick}`,
        event.at,
      ).state;
      const [component] = rollupComponents(
        healthConfig.components,
        healthConfig.checks,
        new Map([['db-port', check]]),
      );
      if (component && component.status !== published) {
        published = component.status;
        verdicts++;
        const flapping = component.checks.some((c) => c.status === 'flapping');
        timeline.add({
          at: event.at + random() * MAX_DELIVERY_MS,
          kind: 'verdict',
          round: event.at,
          status: published,
          flapping,
        });
      }
      continue;
    }
    if (event.kind === 'schedule') {
      const id = `schedule:database:${new Date(event.minute).toISOString()}`;
      await runFailoverTrigger(deps, holds, { kind: 'observe', id, component: 'database' }, settings);
      continue;
    }
    const id = `health:database:${new Date(event.round).toISOString()}`;
    if (scenario.engine === 'guarded') {
      const trigger = {
        kind: 'verdict',
        id,
        component: 'database',
        status: event.status,
        flapping: event.flapping,
        at: event.round,
      } as const;
      await runFailoverTrigger(deps, holds, trigger, settings);
    } else {
      // Before: a `down` verdict marked the primary unhealthy for its own event only.
      const observed = await cluster.observe();
      const unhealthy = event.status === 'down' || !observed.primary.healthy;
      const health = { ...observed, primary: { ...observed.primary, healthy: !unhealthy } };
      await runFailoverEvent(deps, holds, { kind: 'health', id, component: 'database', health }, settings);
    }
  }

  const since = (at: number) => at - START;
  const failovers = cluster.switches.filter((s) => s.to !== 'db-1').map((s) => since(s.at));
  const holdDownMs = settings.holdDownSeconds * 1000;
  return {
    failovers,
    failbacks: cluster.switches.filter((s) => s.to === 'db-1').map((s) => since(s.at)),
    flappingPages: pager.sent.filter((alert) => alert.subject.includes('flapping')).length,
    pages: pager.sent.length,
    verdicts,
    maxFailoversPerHoldDown: Math.max(
      0,
      ...failovers.map((at) => failovers.filter((other) => other >= at && other < at + holdDownMs).length),
    ),
  };
}

/** A pure flap: up and down in turn every `halfPeriodMs`, starting `offsetMs` into a period. */
function squareWave(halfPeriodMs: number, offsetMs: number): (t: number) => boolean {
  return (t) => Math.floor((t + offsetMs) / halfPeriodMs) % 2 === 0;
}

/**
 * A check alternating every probe interval (10 s), at a random phase: the flap's edges fall
 * anywhere between two probes (never within a probe's jitter, where the samples would no longer
 * alternate), starting up or down. The 1-minute schedule samples it at whatever phase it fires.
 */
export function alternatingEveryProbe(random: () => number): (t: number) => boolean {
  const edge = 1000 + random() * 8000 + (random() < 0.5 ? 0 : TICK_MS);
  return squareWave(TICK_MS, edge);
}

/** A random flap: up with probability `p`, drawn afresh every `dwellMs`, the grid starting at `offsetMs`. */
export function randomFlap(
  p: number,
  dwellMs: number,
  offsetMs: number,
  random: () => number,
): (t: number) => boolean {
  const draws = new Map<number, boolean>();
  return (t) => {
    const slot = Math.floor((t + offsetMs) / dwellMs);
    let up = draws.get(slot);
    if (up === undefined) {
      up = random() < p;
      draws.set(slot, up);
    }
    return up;
  };
}
