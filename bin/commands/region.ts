import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { RegionGuardCheck } from '../../functions/core/failover/region/guards';
import { describeRegionAction } from '../../functions/core/failover/region/plan';
import type { RegionResponse } from '../../functions/handlers/region-failover/handler';
import { InputError } from '../../functions/shared/errors';
import type { Command } from './command';
import { regionSpecs } from './specs';

/** Sends one event to the region failover function and returns its answer. */
export type RegionInvoker = (functionName: string, region: string, event: object) => Promise<RegionResponse>;

/** Invokes the deployed function synchronously with the caller's credentials. */
export const lambdaInvoker: RegionInvoker = async (functionName, region, event) => {
  const client = new LambdaClient({ region });
  const response = await client.send(
    new InvokeCommand({
      FunctionName: functionName,
      Payload: new TextEncoder().encode(JSON.stringify(event)),
    }),
  );
  const body = response.Payload ? new TextDecoder().decode(response.Payload) : '';
  if (response.FunctionError)
    throw new InputError(
      `the region failover function failed (${response.FunctionError}): ${body.slice(0, 300)}`,
    );
  return JSON.parse(body) as RegionResponse;
};

const check = (c: RegionGuardCheck) => `  ${c.passed ? 'ok  ' : 'FAIL'} ${c.guard.padEnd(17)} ${c.detail}`;

/** The human report of one answer. */
export function renderRegionResponse(response: RegionResponse): string {
  if (!response.ok)
    return `rejected: ${response.error}\n${response.problems.map((p) => `  - ${p}`).join('\n')}\n`;
  if (!('decision' in response)) {
    const why = 'message' in response ? response.message : response.record?.reason;
    return `${response.status}${why ? `: ${why}` : ''}\n`;
  }
  const { decision } = response;
  const lines = [
    `${response.status}: ${decision.verdict}${decision.kind ? ` (${decision.kind} ${decision.from} → ${decision.to})` : ''}`,
    decision.explanation,
    ...(decision.checks.length > 0 ? ['guards:', ...decision.checks.map(check)] : []),
    ...(decision.plan.length > 0
      ? ['plan:', ...decision.plan.map((a, i) => `  ${i + 1}. ${describeRegionAction(a)}`)]
      : []),
    ...(response.timelineText ? ['timeline:', response.timelineText] : []),
  ];
  return `${lines.join('\n')}\n`;
}

function target(values: Record<string, string | boolean | undefined>) {
  const functionName = values.function;
  const region = values.region;
  if (typeof functionName !== 'string' || functionName === '') {
    throw new InputError(
      '--function: the region failover function (the standby stack output RegionFailoverFunctionName)',
    );
  }
  if (typeof region !== 'string' || !/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(region)) {
    throw new InputError(
      `--region: the standby region such as "eu-central-1", got ${JSON.stringify(region ?? null)}`,
    );
  }
  return { functionName, region };
}

function output(response: RegionResponse, json: boolean, io: Parameters<Command['run']>[1]): number {
  io.stdout(json ? `${JSON.stringify(response, null, 2)}\n` : renderRegionResponse(response));
  if (!response.ok) return 2;
  // Not done: another run holds the region, or this one failed; the same --id retries it.
  if (response.status === 'busy' || response.status === 'failed') return 1;
  return 'decision' in response && ['refused', 'needs-human'].includes(response.decision.verdict) ? 1 : 0;
}

/** `region status`, and one command per operation ({@link regionSpecs}), all through `invoke`. */
export function regionCommands(invoke: RegionInvoker = lambdaInvoker): Command[] {
  return regionSpecs.map(
    (spec): Command => ({
      ...spec,
      async run({ values }, io) {
        const { functionName, region } = target(values);
        if (spec.name === 'status') {
          return output(
            await invoke(functionName, region, { kind: 'status', id: randomUUID() }),
            values.json === true,
            io,
          );
        }
        const reason = values.reason;
        if (typeof reason !== 'string' || reason.trim().length < 3)
          throw new InputError('--reason: say why, in a few words');
        if (values.confirm === true && spec.name !== 'failover') {
          throw new InputError(
            `--confirm: only an unplanned failover can be confirmed past its guards, not ${spec.name}`,
          );
        }
        // The same --id twice runs once: a retried command after a lost answer does not switch twice.
        const id = values.id === undefined ? randomUUID() : String(values.id);
        if (!/^[A-Za-z0-9_-]{8,64}$/.test(id))
          throw new InputError(`--id: 8-64 letters, digits, - or _, got ${JSON.stringify(id)}`);
        const event = {
          kind: 'command',
          id,
          command: spec.name,
          execute: values.execute === true,
          confirm: values.confirm === true,
          reason: reason.trim(),
          requestedBy: `cli:${userInfo().username}`,
        };
        return output(await invoke(functionName, region, event), values.json === true, io);
      },
    }),
  );
}
