import { availableParallelism, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { LoadSecond } from '../load/load-generator';
import { fleetSize } from '../views/platform-views';
import { type DecisionView, scalingDecisions } from '../views/scaling-decisions';
import { stateItems } from '../views/state-table';
import { formatTimeline, timeline } from '../views/timeline';
import { type GameDayEvidence, gatherEvidence } from './game-day-evidence';
import type { GameDayScenario } from './game-day-scenarios';
import type { LiveControlPlane } from './live-control-plane';
import { operatorAction } from './operator-actions';

/** The users' experience over a stretch, against the SLO. */
export interface SloWindow {
  readonly requests: number;
  readonly availability: number | undefined;
  /** The 95th percentile of the per-second p95 latencies. */
  readonly p95Ms: number | undefined;
  readonly held: boolean;
}

/** What a game day produced. */
export interface GameDayReport {
  readonly scenario: GameDayScenario;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly faults: readonly { readonly name: string; readonly at: number }[];
  readonly incidents: readonly {
    readonly component: string;
    readonly severity: string;
    readonly openedAt: number;
    readonly resolvedAt?: number;
    readonly reasons: readonly string[];
  }[];
  readonly actions: readonly { readonly name: string; readonly at: number; readonly result: string }[];
  readonly capacity: readonly { readonly at: number; readonly desired: number }[];
  /** When Route 53 could (true) or could not route to the primary record. */
  readonly primaryRoutable: readonly { readonly at: number; readonly routable: boolean }[];
  /** The scaling function's decisions during the game day, oldest first. */
  readonly decisions: readonly DecisionView[];
  readonly slo: SloWindow;
  /** Each minute's users' experience and the fleet's mean measured CPU. */
  readonly minutes: readonly (SloWindow & {
    readonly minute: number;
    readonly cpuPercent: number | undefined;
    /**
     * The longest this process's event loop was blocked in the minute. The load balancer, the
     * relays to PostgreSQL and Redis and the load generator run in it: a long stall is latency
     * the harness added, not the platform.
     */
    readonly harnessStallMs: number | undefined;
  })[];
  readonly timeline: string;
  /** The machine's load average at the end (1, 5 and 15 minutes) and its cores. */
  readonly loadAverage: readonly number[];
  readonly cores: number;
  /** The slow-query digest, the admin audit, the throttled AWS calls of the game day. */
  readonly evidence: GameDayEvidence;
}

function sloOf(seconds: readonly LoadSecond[], live: LiveControlPlane): SloWindow {
  const ok = seconds.reduce((sum, s) => sum + s.ok, 0);
  const requests = seconds.reduce((sum, s) => sum + s.ok + s.failed, 0);
  const p95s = seconds.flatMap((s) => (s.p95Ms === undefined ? [] : [s.p95Ms])).sort((a, b) => a - b);
  const availability = requests === 0 ? undefined : ok / requests;
  const p95Ms = p95s.length === 0 ? undefined : p95s[Math.floor(p95s.length * 0.95)];
  return {
    requests,
    availability,
    p95Ms,
    held:
      availability !== undefined && availability >= live.slo.availability && (p95Ms ?? 0) <= live.slo.p95Ms,
  };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a game day on the live control plane: waits for the health check's first report (the
 * baseline), injects the scenario's faults on time, watches, and reports what happened, when,
 * and whether the SLO held.
 */
export async function runGameDay(
  live: LiveControlPlane,
  scenario: GameDayScenario,
  progress: (line: string) => void = () => undefined,
): Promise<GameDayReport> {
  progress('waiting for the health check’s first report (the baseline)');
  const baselineDeadline = Date.now() + 180_000;
  while ((await stateItems(live.platform, 'COMPONENT#')).length === 0 && Date.now() < baselineDeadline) {
    await wait(1000);
  }
  const startedAt = Date.now();
  const capacity: { at: number; desired: number }[] = [];
  const cpu: { at: number; percent: number }[] = [];
  const stalls: { at: number; ms: number }[] = [];
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();
  const primaryRoutable: { at: number; routable: boolean }[] = [];
  const healthCheckId = live.platform.model.deployment.ofType('AWS::Route53::HealthCheck')[0]?.physicalId;
  const sampler = setInterval(() => {
    stalls.push({ at: Date.now(), ms: loopDelay.max / 1e6 });
    loopDelay.reset();
    void fleetSize(live.platform).then(({ desired }) => {
      if (capacity.at(-1)?.desired !== desired) capacity.push({ at: Date.now(), desired });
    });
    const measured = live.demo.view().flatMap((i) => (i.cpuPercent === undefined ? [] : [i.cpuPercent]));
    if (measured.length > 0)
      cpu.push({ at: Date.now(), percent: measured.reduce((sum, v) => sum + v, 0) / measured.length });
    if (healthCheckId) {
      const routable = live.platform.route53.routable(healthCheckId);
      if (primaryRoutable.at(-1)?.routable !== routable) primaryRoutable.push({ at: Date.now(), routable });
    }
  }, 5000);
  try {
    capacity.push({ at: startedAt, desired: (await fleetSize(live.platform)).desired });
    const faults: { name: string; at: number }[] = [];
    const actions: { name: string; at: number; result: string }[] = [];
    const acting: Promise<void>[] = [];
    const steps = [
      ...scenario.faults.map(([offset, name]) => ({ offset, name, kind: 'fault' as const })),
      ...(scenario.actions ?? []).map(([offset, name]) => ({ offset, name, kind: 'action' as const })),
    ].sort((a, b) => a.offset - b.offset);
    for (const step of steps) {
      await wait(Math.max(0, startedAt + step.offset * 1000 - Date.now()));
      if (step.kind === 'fault') {
        faults.push({ name: step.name, at: live.inject(step.name).startedAt });
        progress(`+${step.offset}s injected ${step.name}`);
        continue;
      }
      const at = Date.now();
      progress(`+${step.offset}s operator: ${step.name}`);
      // An action runs beside the game day: the next step keeps its time.
      acting.push(
        operatorAction(step.name)
          .run(live)
          .then(
            (result) => void actions.push({ name: step.name, at, result }),
            (error: Error) => void actions.push({ name: step.name, at, result: `failed: ${error.message}` }),
          )
          .then(() => progress(`${step.name}: ${actions.at(-1)?.result}`)),
      );
    }
    const endsAt = startedAt + scenario.observeSeconds * 1000;
    while (Date.now() < endsAt) {
      await wait(Math.min(30_000, endsAt - Date.now()));
      const { availability } = live.load.summary(30);
      progress(
        `+${Math.round((Date.now() - startedAt) / 1000)}s availability (30 s) ${availability === undefined ? '–' : `${(100 * availability).toFixed(2)} %`}`,
      );
    }
    await Promise.all(acting);
    const endedAt = Date.now();
    const seconds = live.load.seconds.filter((s) => s.at > startedAt && s.at <= endedAt);
    const minutes = [];
    for (let minute = 0; minute * 60_000 < endedAt - startedAt; minute += 1) {
      const from = startedAt + minute * 60_000;
      const inMinute = seconds.filter((s) => s.at > from && s.at <= from + 60_000);
      if (inMinute.every((s) => s.sent === 0)) continue;
      const cpuInMinute = cpu.filter((c) => c.at > from && c.at <= from + 60_000).map((c) => c.percent);
      const stallsInMinute = stalls.filter((c) => c.at > from && c.at <= from + 60_000).map((c) => c.ms);
      minutes.push({
        minute,
        ...sloOf(inMinute, live),
        cpuPercent:
          cpuInMinute.length === 0
            ? undefined
            : cpuInMinute.reduce((sum, v) => sum + v, 0) / cpuInMinute.length,
        harnessStallMs: stallsInMinute.length === 0 ? undefined : Math.max(...stallsInMinute),
      });
    }
    const decisions = scalingDecisions(
      await stateItems(live.platform, 'SCALING#'),
      new Date(startedAt).toISOString(),
    );
    const incidents = (await stateItems(live.platform, 'INCIDENT#'))
      .filter((item, index, all) => all.findIndex((other) => other.id === item.id) === index)
      .filter((item) => Number(item.openedAt) >= startedAt)
      .map((item) => ({
        component: String(item.component),
        severity: String(item.severity),
        openedAt: Number(item.openedAt),
        ...(item.resolvedAt !== undefined ? { resolvedAt: Number(item.resolvedAt) } : {}),
        reasons: (item.reasons as string[] | undefined) ?? [],
      }))
      .sort((a, b) => a.openedAt - b.openedAt);
    return {
      scenario,
      startedAt,
      endedAt,
      faults,
      actions,
      incidents,
      capacity,
      primaryRoutable,
      decisions,
      slo: sloOf(seconds, live),
      minutes,
      timeline: formatTimeline(timeline(live.platform, startedAt), startedAt),
      evidence: await gatherEvidence(live, startedAt),
      loadAverage: loadavg(),
      cores: availableParallelism(),
    };
  } finally {
    clearInterval(sampler);
    loopDelay.disable();
  }
}
