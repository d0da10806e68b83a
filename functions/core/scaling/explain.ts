import type { Explanation } from './types';

type Parts = Omit<Explanation, 'summary'>;

/**
 * One line saying what the decision is and why, for logs, the state table and notifications:
 * `scale out 4 → 7: cpu won (cpu 92 vs target 60: ceil(4 × 92 / 60) = 7); limited by rate-limit`.
 */
export function summarise(parts: Parts, desired: number, dryRun: boolean): string {
  const prefix = dryRun ? '[dry run] ' : '';
  const action =
    desired > parts.current
      ? `scale out ${parts.current} → ${desired}`
      : desired < parts.current
        ? `scale in ${parts.current} → ${desired}`
        : `hold at ${parts.current}`;
  const winner = parts.policies.find((p) => p.policy === parts.winner);
  const why = winner ? `: ${winner.policy} won (${winner.reason})` : '';
  const limited = parts.limits.length > 0 ? `; limited by ${parts.limits.map((l) => l.kind).join(', ')}` : '';
  const missing = parts.policies.filter((p) => p.missingData).map((p) => p.policy);
  const gaps =
    missing.length > 0 && !parts.limits.some((l) => l.kind === 'missing-data')
      ? `; no data for ${missing.join(', ')}`
      : '';
  return `${prefix}${action}${why}${limited}${gaps}`;
}

/** The whole explanation as indented text, for the CLI and the admin API's text view. */
export function formatExplanation(explanation: Explanation): string {
  const { bounds, instances } = explanation;
  const lines = [
    explanation.summary,
    `  capacity ${explanation.current} within [${bounds.min}, ${bounds.max}]${bounds.scheduled.length > 0 ? ` (scheduled: ${bounds.scheduled.join(', ')})` : ''}; ${instances.inService} in service, ${instances.pending} pending, ${instances.warmingUp} warming up`,
    '  metrics:',
    ...explanation.metrics.map((m) =>
      m.status !== 'ok'
        ? `    ${m.name}: ${m.status} (${m.detail})`
        : m.lead !== undefined
          ? `    ${m.name} ahead = ${Math.round(m.value * 100) / 100}: ${m.lead}`
          : `    ${m.name} = ${Math.round(m.value * 100) / 100} from ${m.instancesUsed} instance(s)${m.instancesWarmingUp > 0 ? `, ${m.instancesWarmingUp} warming up left out` : ''}`,
    ),
    '  policies:',
    ...explanation.policies.map(
      (p) =>
        `    ${p.policy === explanation.winner ? '*' : ' '} ${p.policy} [${p.kind}] → ${p.recommendation ?? 'abstains'}: ${p.reason}`,
    ),
  ];
  if (explanation.limits.length > 0) {
    lines.push(
      '  limits:',
      ...explanation.limits.map((l) => `    ${l.kind}: ${l.from} → ${l.to} (${l.detail})`),
    );
  }
  return `${lines.join('\n')}\n`;
}
