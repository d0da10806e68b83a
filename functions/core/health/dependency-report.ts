import type { DependencyCheck } from './check-schema';
import type { ProbeOutcome } from './probe';

/**
 * How a `dependency` check reads the service's health report. The probe fetches; this decides,
 * so the verdict and its words are the same wherever the check runs (the Lambda, the CLI).
 */

/** What the service's health endpoint answered. */
export interface HealthAnswer {
  readonly statusCode: number;
  /** The body as read, at most the check's `maxBodyBytes`. */
  readonly body: string;
  /** The body went on past `maxBodyBytes`. */
  readonly truncated: boolean;
}

/** Statuses that say the dependency answers; any other is a report that it does not. */
const ANSWERING = new Set(['up', 'ok', 'healthy', 'pass']);
const MAX_REPORTED_ERROR = 200;
const SNIPPET = 60;

/**
 * The verdict on the check's dependency from the service's health answer: `down` when the
 * service reports it not answering or slower than `maxLatencyMs`, or when the body breaks the
 * contract (a check pointed at the wrong key or a service that changed its format must be loud,
 * not silently blind); `unknown` when the endpoint did not answer 2xx, since then the service
 * said nothing about the dependency and the endpoint's own check judges the service.
 */
export function judgeDependencyReport(check: DependencyCheck, answer: HealthAnswer): ProbeOutcome {
  const name = check.dependency;
  const { statusCode } = answer;
  const observed: Record<string, number> = { statusCode };
  if (statusCode < 200 || statusCode > 299) {
    return {
      status: 'unknown',
      error: `the service's health endpoint answered HTTP ${statusCode}, expected 2xx with its dependencies: no verdict on ${name}`,
      observed,
    };
  }
  const expected = `expected {"dependencies": {"${name}": {"status": "up", "latencyMs": …}}}`;
  const broken = (what: string): ProbeOutcome => ({
    status: 'down',
    error: `${what} (${expected})`,
    observed,
  });
  if (answer.truncated) return broken(`the health body is longer than ${check.maxBodyBytes} bytes`);
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return broken(`the health body is not JSON: ${JSON.stringify(snippet(answer.body))}`);
  }
  const dependencies = isObject(body) ? body.dependencies : undefined;
  if (!isObject(dependencies)) return broken('the health body has no "dependencies" object');
  const entry = dependencies[name];
  if (entry === undefined) {
    const listed = Object.keys(dependencies).join(', ') || 'none';
    return broken(`the health body reports no "${name}" under "dependencies" (it lists: ${listed})`);
  }
  if (!isObject(entry) || typeof entry.status !== 'string')
    return broken(`dependencies.${name} has no "status" string`);
  if (!ANSWERING.has(entry.status.toLowerCase())) {
    const said = entry.status.toLowerCase() === 'down' ? 'down' : JSON.stringify(entry.status);
    const why = typeof entry.error === 'string' && entry.error !== '' ? `: ${clip(entry.error)}` : '';
    return { status: 'down', error: `the service reports ${name} ${said}${why}`, observed };
  }
  const latency = entry.latencyMs;
  if (latency === undefined) return { status: 'up', observed };
  if (typeof latency !== 'number' || !Number.isFinite(latency) || latency < 0)
    return broken(`dependencies.${name}.latencyMs is not a number of milliseconds`);
  const withLatency = { ...observed, dependencyLatencyMs: latency };
  if (check.maxLatencyMs !== undefined && latency > check.maxLatencyMs) {
    return {
      status: 'down',
      error: `${name} answers in ${Math.round(latency)} ms, above ${check.maxLatencyMs} ms (as the service measures it)`,
      observed: withLatency,
    };
  }
  return { status: 'up', observed: withLatency };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > SNIPPET ? `${flat.slice(0, SNIPPET)}…` : flat;
}

function clip(text: string): string {
  return text.length > MAX_REPORTED_ERROR ? `${text.slice(0, MAX_REPORTED_ERROR)}…` : text;
}
