import type { GameDayReport } from './game-day';
import type { LiveControlPlane } from './live-control-plane';

const percent = (value: number | undefined) => (value === undefined ? '–' : `${(100 * value).toFixed(2)} %`);
const ms = (value: number | undefined) => (value === undefined ? '–' : `${Math.round(value)} ms`);
const offset = (at: number, from: number) => `+${Math.round((at - from) / 1000)} s`;

/** The report as the terminal prints it (Markdown, so it can go into the README as it is). */
export function formatGameDayReport(report: GameDayReport, live: LiveControlPlane): string {
  const { scenario, startedAt } = report;
  // An incident is timed from the latest fault injected before it opened.
  const faultBefore = (at: number) =>
    report.faults.filter((f) => f.at <= at).at(-1) ?? { name: 'the start', at: startedAt };
  const lines = [
    `## Game day: ${scenario.name}`,
    '',
    scenario.description,
    '',
    `Machine load average at the end (1, 5, 15 min): ${report.loadAverage.map((v) => v.toFixed(1)).join(', ')} on ${report.cores} cores; ${live.demo.cpuCap}.`,
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
          what: `incident opened: ${i.component} (${i.severity}), ${Math.round((i.openedAt - faultBefore(i.openedAt).at) / 1000)} s after ${faultBefore(i.openedAt).name}: ${i.reasons.join('; ')}`,
        },
        ...(i.resolvedAt ? [{ at: i.resolvedAt, what: `incident resolved: ${i.component}` }] : []),
      ]),
      ...report.actions.map((a) => ({ at: a.at, what: `operator: ${a.name}: ${a.result}` })),
      ...report.capacity.slice(1).map((c) => ({ at: c.at, what: `desired capacity ${c.desired}` })),
      ...report.primaryRoutable.slice(1).map((r) => ({
        at: r.at,
        what: r.routable
          ? 'Route 53: the primary record is routable again (the public name serves the platform)'
          : 'Route 53: the primary’s health check failed, the public name fails over to the secondary',
      })),
    ]
      .sort((a, b) => a.at - b.at)
      .map((row) => `| ${offset(row.at, startedAt)} | ${row.what.replaceAll('|', '\\|')} |`),
    '',
    '| minute | requests | availability | p95 | fleet CPU (measured) | harness stall (longest) | SLO |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...report.minutes.map(
      (m) =>
        `| ${m.minute} | ${m.requests} | ${percent(m.availability)} | ${ms(m.p95Ms)} | ${m.cpuPercent === undefined ? '–' : `${m.cpuPercent.toFixed(1)} %`} | ${ms(m.harnessStallMs)} | ${m.held ? 'held' : 'breached'} |`,
    ),
    '',
    `Scaling decisions: ${report.decisions.length} (${report.decisions.filter((d) => d.action.startsWith('scaled')).length} scaled)${report.decisions.length > 0 ? `; the last: ${report.decisions.at(-1)!.action}, ${report.decisions.at(-1)!.summary}` : ''}.`,
    '',
    ...evidenceLines(report),
    'Timeline (the changes the functions made, alarm transitions, chat messages, failed invocations):',
    '',
    '```',
    report.timeline || '(nothing)',
    '```',
  ];
  return lines.join('\n');
}

function evidenceLines({ evidence }: GameDayReport): string[] {
  const lines: string[] = [];
  const outcomes = Object.entries(evidence.invocations)
    .map(([status, count]) => `${count} ${status}`)
    .join(', ');
  lines.push(
    `AWS calls by the functions: ${evidence.awsCalls}, ${evidence.throttled.reduce((sum, t) => sum + t.count, 0)} of them throttled by the fault${evidence.throttled.length > 0 ? ` (${evidence.throttled.map((t) => `${t.call} ×${t.count}`).join(', ')})` : ''}; invocations: ${outcomes || 'none'}.`,
    '',
  );
  if (evidence.audit.length > 0) {
    lines.push(
      'Admin audit:',
      '',
      '| at | actor | action | target | result | reason |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const a of evidence.audit) {
      lines.push(
        `| ${a.at} | ${a.actor} | ${a.action} | ${a.target} | ${a.result} | ${a.reason.replaceAll('|', '\\|')} |`,
      );
    }
    lines.push('');
  }
  for (const digest of evidence.digests) {
    lines.push(
      `Slow-query digest (${new Date(digest.at).toISOString()}): ${digest.subject}`,
      '',
      '```',
      digest.message,
      '```',
      '',
    );
  }
  return lines;
}
