import type { LambdaClient } from '@aws-sdk/client-lambda';
import { UpstreamError } from '../../../core/admin/errors';
import type { RegionAnswer, RegionCommand, RegionCommander } from '../../../core/admin/ports';
import { invokeAndWait, invokeAsync } from './lambda-invoker';

const STATUSES: ReadonlySet<string> = new Set<RegionAnswer['status']>([
  'dry-run',
  'decided',
  'executed',
  'busy',
  'duplicate',
  'failed',
  'conflict',
]);

/** The function's answer (`functions/handlers/region-failover/handler.ts`), checked for what the API reads. */
function toAnswer(answer: unknown): RegionAnswer {
  const a = answer as {
    ok?: unknown;
    status?: unknown;
    message?: unknown;
    record?: { reason?: unknown };
    decision?: { verdict?: unknown; checks?: unknown; plan?: unknown };
  } | null;
  if (a?.ok === false)
    // Its problems name fields of the event this adapter builds: a bug here, not the operator's.
    throw new UpstreamError('The region failover function refused the event (its logs name the fields)');
  if (a?.ok !== true || typeof a.status !== 'string' || !STATUSES.has(a.status))
    throw new UpstreamError('The region failover function answered without a status');
  const reason = typeof a.message === 'string' ? a.message : String(a.record?.reason ?? '');
  const d = a.decision;
  if (d === undefined) return { status: a.status as RegionAnswer['status'], reason };
  if (typeof d.verdict !== 'string' || !Array.isArray(d.checks) || !Array.isArray(d.plan))
    throw new UpstreamError('The region failover function answered without a decision');
  const { state: _, ...decision } = d as NonNullable<RegionAnswer['decision']> & { state?: unknown };
  return { status: a.status as RegionAnswer['status'], reason, decision };
}

/**
 * The region failover function in the standby region, reached with a Lambda client of that
 * region: `{ kind: 'status' }` and `{ kind: 'command' }`, the events the CLI's `region` commands
 * send. The request id is the command id, so the dry run and the dispatched command are one
 * operation to the function, and a redelivered dispatch runs once.
 */
export class LambdaRegionCommander implements RegionCommander {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionArn: string,
  ) {}

  async status(requestId: string): Promise<RegionAnswer> {
    return toAnswer(await invokeAndWait(this.client, this.functionArn, { kind: 'status', id: requestId }));
  }

  async run(command: RegionCommand): Promise<RegionAnswer> {
    return toAnswer(await invokeAndWait(this.client, this.functionArn, this.event(command)));
  }

  dispatch(command: RegionCommand): Promise<void> {
    return invokeAsync(this.client, this.functionArn, this.event(command));
  }

  private event(command: RegionCommand) {
    return {
      kind: 'command',
      id: command.requestId,
      command: command.operation,
      execute: !command.dryRun,
      confirm: command.confirm,
      reason: command.reason,
      // The function accepts at most 200 characters for who asked.
      requestedBy:
        command.requestedBy.length > 200 ? `${command.requestedBy.slice(0, 199)}…` : command.requestedBy,
    };
  }
}
