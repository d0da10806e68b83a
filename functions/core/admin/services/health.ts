import { rollupComponents } from '../../health/rollup';
import type { CheckState } from '../../health/state-machine';
import { NotFoundError } from '../errors';
import { type AdminDeps, topologyOf } from '../settings';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** A check's configuration and stored state, as the API shows it. */
function checkView(check: AdminDeps['settings']['health']['checks'][number], state: CheckState | undefined) {
  return {
    id: check.id,
    component: check.component,
    critical: check.critical,
    ...(check.description === undefined ? {} : { description: check.description }),
    status: state?.status ?? 'unknown',
    since: iso(state?.since) ?? null,
    consecutiveFailures: state?.consecutiveFailures ?? 0,
    consecutiveSuccesses: state?.consecutiveSuccesses ?? 0,
    lastResult: state?.lastResult
      ? {
          status: state.lastResult.status,
          at: iso(state.lastResult.at),
          latencyMs: state.lastResult.latencyMs,
          ...(state.lastResult.error === undefined ? {} : { error: state.lastResult.error }),
          ...(state.lastResult.warning === undefined ? {} : { warning: state.lastResult.warning }),
        }
      : null,
  };
}

/** Every component's rolled-up health from the configured checks and their stored states. */
export async function componentHealth(deps: AdminDeps) {
  const topology = topologyOf(deps.settings);
  const states = await deps.readModel.checkStates(topology.checks.map((check) => check.id));
  return { topology, states, components: rollupComponents(topology.components, topology.checks, states) };
}

/** GET /health/checks */
export async function listChecks(deps: AdminDeps) {
  const { states, components } = await componentHealth(deps);
  return {
    components: components.map(({ component, status, dependsOn, reasons }) => ({
      component,
      status,
      dependsOn,
      reasons,
    })),
    checks: deps.settings.health.checks.map((check) => checkView(check, states.get(check.id))),
  };
}

/** GET /health/checks/{id} */
export async function getCheck(deps: AdminDeps, id: string) {
  const check = deps.settings.health.checks.find((candidate) => candidate.id === id);
  if (!check) throw new NotFoundError(`No health check "${id}" is configured`);
  const states = await deps.readModel.checkStates([id]);
  return checkView(check, states.get(id));
}
