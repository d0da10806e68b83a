import type { HealthCheck } from './check-schema';
import type { ComponentDefinition } from './health-config';
import type { CheckState, CheckStatus } from './state-machine';

/**
 * A component's status from its checks: `down` when every check that has a verdict is unhealthy
 * or a critical one is; `degraded` when some are unhealthy or flapping, or a healthy one warns;
 * `unknown` when no check has a verdict yet.
 */
export type ComponentStatus = 'healthy' | 'degraded' | 'down' | 'unknown';

/** One check as its component's report shows it. */
export interface ComponentCheck {
  readonly checkId: string;
  readonly description: string;
  readonly status: CheckStatus;
  readonly critical: boolean;
  readonly error?: string;
  readonly warning?: string;
}

/** A component's rolled-up health in one round. */
export interface ComponentHealth {
  readonly component: string;
  readonly status: ComponentStatus;
  /** The component's direct dependencies, from the config. */
  readonly dependsOn: readonly string[];
  readonly checks: readonly ComponentCheck[];
  /** One line per check that is not plainly healthy: what is wrong. */
  readonly reasons: readonly string[];
}

/** Rolls every component up from the current states of its checks. */
export function rollupComponents(
  components: readonly ComponentDefinition[],
  checks: readonly HealthCheck[],
  states: ReadonlyMap<string, CheckState>,
): ComponentHealth[] {
  return components.map((component) => {
    const own: ComponentCheck[] = checks
      .filter((check) => check.component === component.id)
      .map((check) => {
        const state = states.get(check.id);
        const last = state?.lastResult;
        return {
          checkId: check.id,
          description: check.description ?? check.id,
          status: state?.status ?? 'unknown',
          critical: check.critical,
          ...(last?.error === undefined ? {} : { error: last.error }),
          ...(last?.warning === undefined ? {} : { warning: last.warning }),
        };
      });
    return {
      component: component.id,
      status: componentStatus(own),
      dependsOn: component.dependsOn,
      checks: own,
      reasons: own.flatMap(reason),
    };
  });
}

function componentStatus(checks: readonly ComponentCheck[]): ComponentStatus {
  const judged = checks.filter((check) => check.status !== 'unknown');
  if (judged.length === 0) return 'unknown';
  const unhealthy = judged.filter((check) => check.status === 'unhealthy');
  if (unhealthy.length === judged.length || unhealthy.some((check) => check.critical)) return 'down';
  const attention = judged.some(
    (check) => check.status !== 'healthy' || (check.warning !== undefined && check.status === 'healthy'),
  );
  return attention ? 'degraded' : 'healthy';
}

function reason(check: ComponentCheck): string[] {
  switch (check.status) {
    case 'unhealthy':
      return [`${check.description}: ${check.error ?? 'failing'}`];
    case 'flapping':
      return [
        `${check.description}: flapping (alerts held)${check.error ? `, last error: ${check.error}` : ''}`,
      ];
    case 'unknown':
      return [`${check.description}: no verdict${check.error ? ` (${check.error})` : ''}`];
    default:
      return check.warning === undefined ? [] : [`${check.description}: ${check.warning}`];
  }
}
