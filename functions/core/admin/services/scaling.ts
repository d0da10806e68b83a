import { withLock } from '../../coordination';
import { defaultPolicyInput } from '../../scaling/default-policy';
import { ConflictError, NotDeployedError, NotFoundError, UnprocessableError } from '../errors';
import type { GroupCapacity, ScalingRecord } from '../ports';
import type { EvaluateRequest, PutPoliciesRequest, SetCapacityRequest } from '../schemas/requests';
import type { AdminDeps } from '../settings';

/**
 * The scaling policy schema, built with the first request that reads or writes a policy: the
 * admin API's other routes never need it, and building it costs a cold start ~6 ms of CPU.
 */
const policySchema = (): typeof import('../../scaling/policy-schema') =>
  require('../../scaling/policy-schema') as typeof import('../../scaling/policy-schema');

/** The group, if `name` is the fleet's group (the API manages no other). */
async function groupOf(deps: AdminDeps, name: string): Promise<GroupCapacity> {
  if (name !== deps.settings.autoScalingGroupName)
    throw new NotFoundError(
      `No scaling group "${name}"; this platform's group is "${deps.settings.autoScalingGroupName}"`,
    );
  const group = await deps.scaling.group(name);
  if (!group) throw new NotFoundError(`Auto Scaling does not know the group "${name}"`);
  return group;
}

/**
 * The policies the scaling function decides with: the stored override when it is valid,
 * otherwise the platform default. A stored override is validated again with `parsePolicySet`,
 * so one written by an older schema shows as a problem instead of being trusted.
 */
export function effectivePolicy(record: ScalingRecord) {
  const { PolicyError, parsePolicySet } = policySchema();
  const defaults = {
    source: 'default' as const,
    policy: parsePolicySet(defaultPolicyInput, 'default policy'),
  };
  if (!record.override) return defaults;
  try {
    return {
      source: 'override' as const,
      policy: parsePolicySet(record.override.policy, 'stored override'),
      updatedAt: record.override.updatedAt ?? null,
      updatedBy: record.override.updatedBy ?? null,
    };
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    return { ...defaults, overrideProblems: error.problems };
  }
}

/** GET /scaling/groups/{name} */
export async function describeGroup(deps: AdminDeps, name: string) {
  const group = await groupOf(deps, name);
  const record = await deps.scaling.record(name, deps.settings.decisionsShown);
  return {
    group,
    effectivePolicy: effectivePolicy(record),
    latest: record.latest ?? null,
    decisions: record.decisions,
  };
}

/** PUT /scaling/groups/{name}/policies: the policy's bounds must sit inside the group's. */
export async function putPolicies(
  deps: AdminDeps,
  name: string,
  request: PutPoliciesRequest,
  caller: { arn: string },
) {
  const group = await groupOf(deps, name);
  const { policy } = request;
  const problems = [
    ...(policy.minCapacity !== undefined && policy.minCapacity < group.minCapacity
      ? [
          {
            field: 'body.policy.minCapacity',
            message: `must be ≥ the group's minimum (${group.minCapacity})`,
          },
        ]
      : []),
    ...(policy.maxCapacity !== undefined && policy.maxCapacity > group.maxCapacity
      ? [
          {
            field: 'body.policy.maxCapacity',
            message: `must be ≤ the group's maximum (${group.maxCapacity})`,
          },
        ]
      : []),
  ];
  if (problems.length > 0)
    throw new UnprocessableError(
      `The policy's bounds must sit inside the group's ${group.minCapacity}-${group.maxCapacity}`,
      problems,
    );
  const override = {
    policy,
    updatedAt: new Date(deps.clock()).toISOString(),
    updatedBy: caller.arn,
    reason: request.reason,
  };
  if (!request.dryRun) await deps.scaling.savePolicy(name, override);
  return { dryRun: request.dryRun, group: name, override };
}

/** POST /scaling/groups/{name}/evaluate: the scaling function's decision, with its explanation. */
export async function evaluate(
  deps: AdminDeps,
  name: string,
  request: EvaluateRequest,
  caller: { arn: string; requestId: string },
) {
  if (!deps.scalingEvaluator) throw new NotDeployedError('The scaling function is not deployed');
  await groupOf(deps, name);
  const result = await deps.scalingEvaluator.evaluate({
    group: name,
    dryRun: request.dryRun,
    reason: request.reason,
    requestedBy: caller.arn,
    requestId: caller.requestId,
  });
  return { dryRun: request.dryRun, group: name, result };
}

/** How long the API may hold the group's lock to read, check and set the capacity. */
const CAPACITY_LEASE_MS = 30_000;

/**
 * PUT /scaling/groups/{name}/capacity: only inside the group's own minimum and maximum, and under
 * the scaling function's own lock (`scaling#<group>`), so a manual change never interleaves with
 * a scaling run. The next scheduled run decides again from the metrics.
 */
export async function setCapacity(
  deps: AdminDeps,
  name: string,
  request: SetCapacityRequest,
  caller: { requestId: string },
) {
  const lease = `scaling#${name}`;
  const locked = await withLock(
    deps.lock,
    {
      name: lease,
      owner: `admin:${caller.requestId}`,
      leaseMs: CAPACITY_LEASE_MS,
      now: deps.clock(),
      // The capacity is set by then: a lease left behind lapses on its own and is reported.
      onReleaseError: (error) => deps.onLockReleaseError(error, lease),
    },
    async () => {
      const group = await groupOf(deps, name);
      const wanted = request.desiredCapacity;
      if (wanted < group.minCapacity || wanted > group.maxCapacity) {
        throw new UnprocessableError(
          `desiredCapacity must be between the group's minimum (${group.minCapacity}) and maximum (${group.maxCapacity}), got ${wanted}`,
          [
            {
              field: 'body.desiredCapacity',
              message: `must be between ${group.minCapacity} and ${group.maxCapacity}`,
            },
          ],
        );
      }
      if (!request.dryRun) await deps.scaling.setCapacity(name, wanted, request.honorCooldown);
      return { dryRun: request.dryRun, group: name, from: group.desiredCapacity, to: wanted };
    },
  );
  if (!locked.acquired) throw new ConflictError(`A scaling run holds ${name}; retry in a few seconds`);
  return locked.result;
}
