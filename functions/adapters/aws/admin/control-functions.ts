import type { LambdaClient } from '@aws-sdk/client-lambda';
import { NotFoundError, UpstreamError } from '../../../core/admin/errors';
import type {
  CacheInvalidator,
  FailoverCommand,
  FailoverCommander,
  QueryAnalyzer,
  ScalingEvaluator,
} from '../../../core/admin/ports';
import type { FailoverResult } from '../../../core/failover/service';
import { invokeAndWait, invokeAsync } from './lambda-invoker';

/** A control function's `{ ok: false }` answer: it refused or failed, and says why. */
interface Refusal {
  readonly ok: false;
  readonly error?: string;
  readonly message?: string;
}

const isRefusal = (answer: unknown): answer is Refusal =>
  typeof answer === 'object' && answer !== null && (answer as { ok?: unknown }).ok === false;

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * The scaling function's direct invoke `{ dryRun, reason }` (its schema is strict); who asked and
 * the request id go into the reason, so the decision record names them.
 */
export class LambdaScalingEvaluator implements ScalingEvaluator {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
  ) {}

  async evaluate(request: Parameters<ScalingEvaluator['evaluate']>[0]): Promise<unknown> {
    const reason = clip(`${request.reason} (by ${request.requestedBy}, request ${request.requestId})`, 500);
    const answer = await invokeAndWait(this.client, this.functionName, { dryRun: request.dryRun, reason });
    if (isRefusal(answer))
      throw new UpstreamError(
        `The scaling function could not evaluate: ${answer.message ?? answer.error ?? 'no reason given'}`,
      );
    return answer;
  }
}

/** The failover function's direct invoke (see `functions/handlers/failover/command.ts`). */
export class LambdaFailoverCommander implements FailoverCommander {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
  ) {}

  async run(command: FailoverCommand): Promise<FailoverResult> {
    const answer = await invokeAndWait(this.client, this.functionName, this.payload(command));
    if (isRefusal(answer)) {
      const message = answer.message ?? answer.error ?? 'no reason given';
      if (answer.error === 'ComponentNotConfiguredError') throw new NotFoundError(message);
      throw new UpstreamError(`The failover function refused the command: ${message}`);
    }
    const result = answer as Partial<FailoverResult> | null;
    if (
      !result ||
      typeof result.status !== 'string' ||
      !Array.isArray(result.plan) ||
      !Array.isArray(result.checks)
    )
      throw new UpstreamError('The failover function answered without a plan');
    return result as FailoverResult;
  }

  dispatch(command: FailoverCommand): Promise<void> {
    return invokeAsync(this.client, this.functionName, this.payload(command));
  }

  private payload(command: FailoverCommand) {
    // The function accepts at most 200 characters for who asked.
    return { ...command, requestedBy: clip(command.requestedBy, 200) };
  }
}

/**
 * Starts the slow-query function with an event shaped like its schedule's (an `id` it claims once,
 * a `detail-type`), plus who asked and why in `detail`.
 */
export class LambdaQueryAnalyzer implements QueryAnalyzer {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
  ) {}

  requestAnalysis(request: Parameters<QueryAnalyzer['requestAnalysis']>[0]): Promise<void> {
    return invokeAsync(this.client, this.functionName, {
      id: `admin-${request.requestId}`,
      'detail-type': 'Admin API Analysis Request',
      source: 'misybot.admin-api',
      detail: { requestedBy: request.requestedBy, reason: request.reason },
    });
  }
}

/** The cache worker (in the VPC, next to Redis): `{ action: 'invalidate', namespace }`. */
export class LambdaCacheInvalidator implements CacheInvalidator {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
  ) {}

  async invalidate(namespace: string): Promise<boolean> {
    const answer = (await invokeAndWait(this.client, this.functionName, {
      action: 'invalidate',
      namespace,
    })) as {
      invalidated?: unknown;
    } | null;
    if (typeof answer?.invalidated !== 'boolean')
      throw new UpstreamError('The cache worker answered without a result');
    return answer.invalidated;
  }
}
