import { existsSync, readFileSync } from 'node:fs';
import { createDependencyProbe } from '../../functions/adapters/http/dependency-probe';
import { createHttpProbe } from '../../functions/adapters/http/http-probe';
import { createTcpProbe } from '../../functions/adapters/http/tcp-probe';
import { parseHealthCheckConfig } from '../../functions/core/health/health-config';
import { type CheckResult, dispatchProbe } from '../../functions/core/health/probe';
import { runChecks } from '../../functions/core/health/runner';
import { ConfigError, InputError } from '../../functions/shared/errors';
import type { Command } from './command';
import { DEFAULT_HEALTH_CHECKS_FILE, healthCheckSpec } from './specs';

/** The CLI runs what needs no AWS credentials; the other kinds are listed as skipped. */
const LOCAL_KINDS = new Set(['http', 'tcp', 'dependency']);

type Status = 'healthy' | 'unhealthy' | 'unknown' | 'skipped';

/** One line of the report; `--json` prints these. */
interface CheckLine {
  readonly id: string;
  readonly kind: string;
  readonly status: Status;
  readonly latencyMs: number | null;
  readonly error: string | null;
  readonly warning?: string;
}

/**
 * `misybot-ha health check [--config FILE] [--json]`: runs the HTTP, TCP and dependency checks of a
 * health-check file once, all at once, and reports each one's verdict. Thresholds do not apply
 * to a single run: one failed probe is unhealthy. Exit code 0 only when every check that ran is
 * healthy; AWS check kinds are skipped (they need the Lambda's credentials) and do not count.
 */
export const healthCheckCommand: Command = {
  ...healthCheckSpec,
  async run({ values, positionals }, io) {
    if (positionals.length > 0) throw new InputError(`unexpected argument "${positionals[0]}"`);
    const file = typeof values.config === 'string' ? values.config : DEFAULT_HEALTH_CHECKS_FILE;
    if (values.config === undefined && !existsSync(file)) {
      throw new InputError(
        `no --config given and ./${DEFAULT_HEALTH_CHECKS_FILE} does not exist; pass --config FILE ` +
          '(config/health-checks.example.json shows the format)',
      );
    }
    const config = parseHealthCheckConfig(readJson(file), file);
    const local = config.checks.filter((check) => LOCAL_KINDS.has(check.kind));
    const probe = dispatchProbe({
      http: createHttpProbe(),
      tcp: createTcpProbe(),
      dependency: createDependencyProbe(),
    });
    const started = performance.now();
    const longest = Math.max(0, ...local.map((check) => check.timeoutMs));
    const { results } = await runChecks(local, probe, {
      deadline: started + longest + 1000,
      now: () => performance.now(),
    });
    const durationMs = Math.round(performance.now() - started);
    const byId = new Map(results.map((result) => [result.checkId, result]));
    const checks: CheckLine[] = config.checks.map((check) => {
      const result = byId.get(check.id);
      return result
        ? line(result)
        : { id: check.id, kind: check.kind, status: 'skipped', latencyMs: null, error: null };
    });
    const ran = checks.filter((check) => check.status !== 'skipped');
    const status = ran.every((check) => check.status === 'healthy') ? 'healthy' : 'unhealthy';
    if (values.json) {
      const json = checks.map(({ id, status, latencyMs, error }) => ({ id, status, latencyMs, error }));
      io.stdout(`${JSON.stringify({ status, checks: json, durationMs }, null, 2)}\n`);
    } else {
      io.stdout(table(file, status, checks, durationMs));
    }
    return status === 'healthy' ? 0 : 1;
  },
};

function line(result: CheckResult): CheckLine {
  const status: Status =
    result.status === 'up' ? 'healthy' : result.status === 'down' ? 'unhealthy' : 'unknown';
  return {
    id: result.checkId,
    kind: result.kind,
    status,
    latencyMs: result.latencyMs,
    error: result.error ?? null,
    ...(result.warning ? { warning: result.warning } : {}),
  };
}

function table(file: string, status: string, checks: readonly CheckLine[], durationMs: number): string {
  const rows = checks.map((c) => [
    c.status.toUpperCase(),
    c.id,
    c.kind,
    c.latencyMs === null ? '-' : `${c.latencyMs} ms`,
    c.error ?? c.warning ?? (c.status === 'skipped' ? 'needs AWS: runs in the health-check Lambda' : ''),
  ]);
  const header = ['STATUS', 'CHECK', 'KIND', 'LATENCY', 'DETAIL'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const format = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const skipped = checks.filter((c) => c.status === 'skipped').length;
  return [
    `${file}: ${status} (${checks.length - skipped} checked, ${skipped} skipped, ${durationMs} ms)`,
    '',
    format(header),
    ...rows.map(format),
    '',
  ].join('\n');
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'file not readable';
    throw new ConfigError(file, [`${reason} (${(error as Error).message})`], { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(file, [`not valid JSON: ${(error as Error).message}`], { cause: error });
  }
}
