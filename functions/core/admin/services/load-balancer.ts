import { UnprocessableError } from '../errors';
import type { SetAlgorithmRequest, SetWeightsRequest } from '../schemas/requests';
import type { AdminDeps } from '../settings';

/** GET /load-balancer */
export function describeLoadBalancer(deps: AdminDeps) {
  return deps.loadBalancer.describe();
}

/** PUT /load-balancer/algorithm: every target group gets the same algorithm. */
export async function setAlgorithm(deps: AdminDeps, request: SetAlgorithmRequest) {
  const current = await deps.loadBalancer.describe();
  const before = current.targetGroups.map(({ name, algorithm, anomalyMitigation }) => ({
    name,
    algorithm,
    anomalyMitigation,
  }));
  if (!request.dryRun) await deps.loadBalancer.setAlgorithm(request.algorithm, request.anomalyMitigation);
  return {
    dryRun: request.dryRun,
    before,
    after: before.map(({ name }) => ({
      name,
      algorithm: request.algorithm,
      anomalyMitigation: request.anomalyMitigation,
    })),
  };
}

/**
 * PUT /load-balancer/weights: the listed groups get new weights, the others keep theirs. Every
 * name must be a configured target group and the weights must not all be 0 (the listener would
 * have nowhere to send traffic).
 */
export async function setWeights(deps: AdminDeps, request: SetWeightsRequest) {
  const known = deps.settings.targetGroupNames;
  const unknown = request.weights.filter((entry) => !known.includes(entry.targetGroup));
  if (unknown.length > 0) {
    throw new UnprocessableError(
      `Unknown target group(s) ${unknown.map((u) => `"${u.targetGroup}"`).join(', ')}; known: ${known.join(', ')}`,
      unknown.map((u) => ({
        field: `body.weights[${request.weights.indexOf(u)}].targetGroup`,
        message: 'is not a target group of the listener',
      })),
    );
  }
  const current = await deps.loadBalancer.describe();
  const requested = new Map(request.weights.map((entry) => [entry.targetGroup, entry.weight]));
  const after = current.targetGroups.map((group) => ({
    targetGroup: group.name,
    weight: requested.get(group.name) ?? group.weight,
  }));
  const total = after.reduce((sum, entry) => sum + entry.weight, 0);
  if (total <= 0)
    throw new UnprocessableError(
      'The weights must not all be 0: the listener would have nowhere to send traffic',
    );
  if (!request.dryRun) await deps.loadBalancer.setWeights(after);
  return {
    dryRun: request.dryRun,
    before: current.targetGroups.map((group) => ({ targetGroup: group.name, weight: group.weight })),
    after,
  };
}
