import type { Component } from '../../failover/types';
import { ConflictError, NotDeployedError, NotFoundError, UnprocessableError } from '../errors';
import type { FailoverCommand } from '../ports';
import type { FailoverCommandRequest } from '../schemas/requests';
import type { AdminDeps } from '../settings';

/**
 * The id of the incident an operator's command opens: the failover function turns the request id
 * into the event id `command:<requestId>` and the engine names the incident `<component>-<event
 * id>` (a test holds both to it).
 */
export const failoverIncidentId = (component: Component, requestId: string) =>
  `${component}-command:${requestId}`;

/** GET /failover: each component's phase, operation in flight and open incident. */
export async function describeFailover(deps: AdminDeps) {
  const states = await deps.failover.states(deps.settings.failoverComponents);
  return {
    components: states.map((state) => ({
      component: state.component,
      phase: state.phase,
      activeTarget: state.activeTarget ?? null,
      primaryId: state.primaryId ?? null,
      healthCheckInverted: state.healthCheckInverted,
      automationHalted: state.automationHaltedAt !== undefined,
      operation: state.operation
        ? {
            id: state.operation.id,
            kind: state.operation.kind,
            target: state.operation.target,
            startedAt: new Date(state.operation.startedAt).toISOString(),
          }
        : null,
      openIncident: state.incident ? { id: state.incident.id, status: state.incident.status } : null,
      updatedAt: new Date(state.updatedAt).toISOString(),
    })),
  };
}

/**
 * POST /failover/{component}. The plan always comes from a synchronous dry run of the failover
 * function, so the answer shows what would happen and whether the guards pass. A dry run stops
 * there. A real command that the guards refuse is answered 422 (409 when the component is
 * busy); one they accept is handed to the function asynchronously, because executing it can
 * outlast API Gateway's 29-second limit, and answered 202 with the plan and the incident id to
 * follow at GET /incidents/{id}.
 */
export async function commandFailover(
  deps: AdminDeps,
  component: Component,
  request: FailoverCommandRequest,
  caller: { arn: string; requestId: string },
) {
  if (!deps.failoverCommander) throw new NotDeployedError('The failover function is not deployed');
  if (!deps.settings.failoverComponents.includes(component))
    throw new NotFoundError(`Failover of "${component}" is not part of this deployment`);
  const command: FailoverCommand = {
    component,
    action: request.action,
    dryRun: true,
    reason: request.reason,
    requestedBy: caller.arn,
    requestId: caller.requestId,
  };
  const plan = await deps.failoverCommander.run(command);
  const answer = {
    component,
    action: request.action,
    verdict: plan.verdict ?? plan.status,
    reason: plan.reason,
    plan: plan.plan,
    checks: plan.checks,
  };
  if (request.dryRun) return { status: 200, body: { ...answer, dryRun: true } };
  if (plan.status === 'busy' || plan.verdict === 'busy')
    throw new ConflictError(`${component} is busy: ${plan.reason}`);
  if (plan.verdict === 'blocked' || plan.verdict === 'rejected') {
    throw new UnprocessableError(
      `The ${request.action} of ${component} was refused: ${plan.reason}`,
      plan.checks
        .filter((check) => !check.passed)
        .map((check) => ({ field: `guard.${check.guard}`, message: check.detail })),
    );
  }
  await deps.failoverCommander.dispatch({ ...command, dryRun: false });
  const incidentId = failoverIncidentId(component, caller.requestId);
  return {
    status: 202,
    body: { ...answer, dryRun: false, accepted: true, incidentId, follow: `/incidents/${incidentId}` },
  };
}
