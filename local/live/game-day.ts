import type { LoadSecond } from '../load/load-generator';
import { fleetSize } from '../views/platform-views';
import { type DecisionView, scalingDecisions } from '../views/scaling-decisions';
import { stateItems } from '../views/state-table';
import { formatTimeline, timeline } from '../views/timeline';
import type { LiveControlPlane } from './live-control-plane';

/** One scripted game day: faults injected at offsets from the start, then observed. */
export interface GameDayScenario {
  readonly name: string;
  readonly description: string;
  /** `[seconds after the baseline, fault name]`. */
  readonly faults: readonly (readonly [number, string])[];
  /** How long to watch after the baseline, in seconds. */
  readonly observeSeconds: number;
}

/** The scenarios `npm start -- --scenario NAME` runs. */
export const GAME_DAYS: readonly GameDayScenario[] = [
  {
    name: 'instance-loss',
    description: 'An instance of the fleet is killed; the group replaces it a minute later.',
    faults: [[0, 'kill-instance']],
    observeSeconds: 150,
  },
  {
    name: 'database-writer-failure',
    description: 'The Aurora writer stops; the control plane fails the cluster over.',
    faults: [[0, 'stop-db-writer']],
    observeSeconds: 180,
  },
  {
    name: 'traffic-spike',
    description: 'Five times the normal traffic for four minutes, scaling on the measured CPU.',
    faults: [[0, 'spike']],
    observeSeconds: 300,
  },
  {
    name: 'flapping-endpoint',
    description: 'The public endpoint flaps 20 s down, 20 s up.',
    faults: [[0, 'flap-endpoint']],
    observeSeconds: 180,
  },
];

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
  readonly capacity: readonly { readonly at: number; readonly desired: number }[];
  /** The scaling function's decisions during the game day, oldest first. */
  readonly decisions: readonly DecisionView[];
  readonly slo: SloWindow;
  /** Each minute's users' experience and the fleet's mean measured CPU. */
  readonly minutes: readonly (SloWindow & {
    readonly minute: number;
    readonly cpuPercent: number | undefined;
  })[];
  readonly timeline: string;
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
  const sampler = setInterval(() => {
    void fleetSize(live.platform).then(({ desired }) => {
      if (capacity.at(-1)?.desired !== desired) capacity.push({ at: Date.now(), desired });
    });
    const measured = live.demo.view().flatMap((i) => (i.cpuPercent === undefined ? [] : [i.cpuPercent]));
    if (measured.length > 0)
      cpu.push({ at: Date.now(), percent: measured.reduce((sum, v) => sum + v, 0) / measured.length });
  }, 5000);
  try {
    capacity.push({ at: startedAt, desired: (await fleetSize(live.platform)).desired });
    const faults: { name: string; at: number }[] = [];
    for (const [offset, name] of scenario.faults) {
      await wait(Math.max(0, startedAt + offset * 1000 - Date.now()));
      faults.push({ name, at: live.inject(name).startedAt });
      progress(`+${offset}s injected ${name}`);
    }
    const endsAt = startedAt + scenario.observeSeconds * 1000;
    while (Date.now() < endsAt) {
      await wait(Math.min(30_000, endsAt - Date.now()));
      const { availability } = live.load.summary(30);
      progress(
        `+${Math.round((Date.now() - startedAt) / 1000)}s availability (30 s) ${availability === undefined ? '–' : `${(100 * availability).toFixed(2)} %`}`,
      );
    }
    const endedAt = Date.now();
    const seconds = live.load.seconds.filter((s) => s.at > startedAt && s.at <= endedAt);
    const minutes = [];
    for (let minute = 0; minute * 60_000 < endedAt - startedAt; minute += 1) {
      const from = startedAt + minute * 60_000;
      const inMinute = seconds.filter((s) => s.at > from && s.at <= from + 60_000);
      if (inMinute.every((s) => s.sent === 0)) continue;
      const cpuInMinute = cpu.filter((c) => c.at > from && c.at <= from + 60_000).map((c) => c.percent);
      minutes.push({
        minute,
        ...sloOf(inMinute, live),
        cpuPercent:
          cpuInMinute.length === 0
            ? undefined
            : cpuInMinute.reduce((sum, v) => sum + v, 0) / cpuInMinute.length,
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
      incidents,
      capacity,
      decisions,
      slo: sloOf(seconds, live),
      minutes,
      timeline: formatTimeline(timeline(live.platform, startedAt), startedAt),
    };
  } finally {
    clearInterval(sampler);
  }
}

const percent = (value: number | undefined) => (value === undefined ? '–' : `${(100 * value).toFixed(2)} %`);
const ms = (value: number | undefined) => (value === undefined ? '–' : `${Math.round(value)} ms`);
const offset = (at: number, from: number) => `+${Math.round((at - from) / 1000)} s`;

/** The report as the terminal prints it (Markdown, so it can go into the README as it is). */
export function formatGameDayReport(report: GameDayReport, live: LiveControlPlane): string {
  const { scenario, startedAt } = report;
  const firstFault = report.faults[0]?.at ?? startedAt;
  const lines = [
    `## Game day: ${scenario.name}`,
    '',
    scenario.description,
    '',
    `SLO: ${percent(live.slo.availability)} of requests succeed, p95 ≤ ${live.slo.p95Ms} ms, over ${Math.round((report.endedAt - startedAt) / 1000)} s at ${live.baseRps} req/s normal load: **${report.slo.held ? 'held' : 'breached'}** (availability ${percent(report.slo.availability)}, p95 ${ms(report.slo.p95Ms)}, ${report.slo.requests} requests).`,
    '',
    '| when | what |',
    '| --- | --- |',
    ...[
      ...report.faults.map((f) => ({ at: f.at, what: `fault injected: ${f.name}` })),
      ...report.incidents.flatMap((i) => [
        {
          at: i.openedAt,
          what: `incident opened: ${i.component} (${i.severity}), ${Math.round((i.openedAt - firstFault) / 1000)} s after the fault: ${i.reasons.join('; ')}`,
        },
        ...(i.resolvedAt ? [{ at: i.resolvedAt, what: `incident resolved: ${i.component}` }] : []),
      ]),
      ...report.capacity.slice(1).map((c) => ({ at: c.at, what: `desired capacity ${c.desired}` })),
    ]
      .sort((a, b) => a.at - b.at)
      .map((row) => `| ${offset(row.at, startedAt)} | ${row.what.replaceAll('|', '\\|')} |`),
    '',
    '| minute | requests | availability | p95 | fleet CPU (measured) | SLO |',
    '| --- | --- | --- | --- | --- | --- |',
    ...report.minutes.map(
      (m) =>
        `| ${m.minute} | ${m.requests} | ${percent(m.availability)} | ${ms(m.p95Ms)} | ${m.cpuPercent === undefined ? '–' : `${m.cpuPercent.toFixed(1)} %`} | ${m.held ? 'held' : 'breached'} |`,
    ),
    '',
    `Scaling decisions: ${report.decisions.length} (${report.decisions.filter((d) => d.action.startsWith('scaled')).length} scaled)${report.decisions.length > 0 ? `; the last: ${report.decisions.at(-1)!.action}, ${report.decisions.at(-1)!.summary}` : ''}.`,
    '',
    'Timeline (the changes the functions made, alarm transitions, chat messages, failed invocations):',
    '',
    '```',
    report.timeline || '(nothing)',
    '```',
  ];
  return lines.join('\n');
}
