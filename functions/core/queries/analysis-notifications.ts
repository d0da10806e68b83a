import type { Notification } from '../alerting/notification';
import type { Finding } from './analysis-findings';

/** A digest lists at most this many findings: SNS caps a message at 256 KB and people at far less. */
export const MAX_DIGEST_LINES = 25;

/** A Postgres extension the analysis needs and does not have, with what to do about it. */
export interface MissingPrerequisite {
  readonly extension: 'pg_stat_statements' | 'hypopg';
  /** The problem and its fix, e.g. "... is not created in this database: run CREATE EXTENSION ...". */
  readonly message: string;
}

/** What a digest or a warning is about. */
export interface AnalysisSubject {
  readonly cluster: string;
  /** ISO time of the run. */
  readonly at: string;
  readonly labels?: Readonly<Record<string, string>>;
}

function base(subject: AnalysisSubject, id: string): Omit<Notification, 'severity' | 'title' | 'reasons'> {
  return {
    version: 1,
    id,
    incidentId: id,
    kind: 'opened',
    component: 'database',
    status: 'degraded',
    checks: [],
    openedAt: subject.at,
    at: subject.at,
    labels: { ...subject.labels, cluster: subject.cluster, source: 'slow-queries' },
  };
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * The `info` digest of a run that found something new: the new findings only, slow queries first,
 * then regressions, then indexes, in the platform's notification format so every channel
 * (e-mail, Slack, Teams, webhooks) renders it.
 */
export function digestNotification(
  subject: AnalysisSubject,
  newFindings: readonly Finding[],
  totals: { readonly slowQueries: number; readonly regressions: number; readonly recommendations: number },
): Notification {
  const counts = (['slow', 'regression', 'index'] as const)
    .map((kind) => [kind, newFindings.filter((f) => f.kind === kind).length] as const)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) =>
      kind === 'slow'
        ? plural(n, 'slow query', 'slow queries')
        : kind === 'regression'
          ? plural(n, 'regression', 'regressions')
          : plural(n, 'index recommendation', 'index recommendations'),
    );
  const shown = newFindings.slice(0, MAX_DIGEST_LINES).map((f) => f.summary);
  const hidden = newFindings.length - shown.length;
  return {
    ...base(subject, `slow-queries:${subject.cluster}:${subject.at}`),
    severity: 'info',
    title: `New on ${subject.cluster}: ${counts.join(', ')}`,
    reasons: [
      ...shown,
      ...(hidden > 0 ? [`… and ${hidden} more in the stored report`] : []),
      `In this interval: ${plural(totals.slowQueries, 'slow query', 'slow queries')}, ` +
        `${plural(totals.regressions, 'regression', 'regressions')}, ` +
        `${plural(totals.recommendations, 'index recommendation', 'index recommendations')}`,
    ],
  };
}

/** The `warning` sent once when the analysis cannot run fully because an extension is missing. */
export function prerequisiteWarning(
  subject: AnalysisSubject,
  missing: readonly MissingPrerequisite[],
): Notification {
  const names = missing.map((m) => m.extension).join(' and ');
  const blocked = missing.some((m) => m.extension === 'pg_stat_statements');
  return {
    ...base(subject, `slow-queries-prerequisites:${subject.cluster}:${subject.at}`),
    severity: 'warning',
    title: blocked
      ? `Slow-query analysis cannot run on ${subject.cluster}: ${names} missing`
      : `Index advice is off on ${subject.cluster}: ${names} missing`,
    reasons: [
      ...missing.map((m) => m.message),
      'This warning is sent once; the analysis retries on every schedule and reports again when the problem changes.',
    ],
  };
}
