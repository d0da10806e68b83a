import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import { UnavailableError, UpstreamError } from '../../../core/admin/errors';
import { isThrottlingError } from '../throttling';

const decoder = new TextDecoder();
const encoder = new TextEncoder();
/** Throttled, or its network interfaces are still being created: the function exists but cannot take the call now. */
const isBusy = (error: unknown) =>
  isThrottlingError(error) || (error as { name?: string }).name === 'ResourceNotReadyException';

function translate(functionName: string, error: unknown): Error {
  const name = (error as { name?: string }).name ?? 'Error';
  if (isBusy(error))
    return new UnavailableError(
      `${functionName} cannot take the call right now (${name}); retry shortly`,
      [],
      {
        cause: error,
      },
    );
  return new UpstreamError(`Invoking ${functionName} failed (${name})`, [], { cause: error });
}

/**
 * Calls a control function and waits for its JSON answer.
 * @throws {UpstreamError} when the call fails or the function errors (its message is in its logs).
 * @throws {UnavailableError} when Lambda throttles the call.
 */
export async function invokeAndWait(
  client: LambdaClient,
  functionName: string,
  payload: unknown,
): Promise<unknown> {
  let output: InvokeCommandOutput;
  try {
    output = await client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        Payload: encoder.encode(JSON.stringify(payload)),
      }),
    );
  } catch (error) {
    throw translate(functionName, error);
  }
  const text = output.Payload ? decoder.decode(output.Payload) : '';
  if (output.FunctionError) {
    throw new UpstreamError(
      `${functionName} failed (${output.FunctionError}); its logs have the detail`,
      [],
      {
        cause: new Error(text.slice(0, 2000)),
      },
    );
  }
  try {
    return text === '' ? null : JSON.parse(text);
  } catch (cause) {
    throw new UpstreamError(`${functionName} answered with something that is not JSON`, [], { cause });
  }
}

/**
 * Hands an event to a control function without waiting (Lambda queues it and retries failures).
 * @throws {UpstreamError} when Lambda did not accept it.
 */
export async function invokeAsync(
  client: LambdaClient,
  functionName: string,
  payload: unknown,
): Promise<void> {
  let status: number | undefined;
  try {
    const output = await client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: encoder.encode(JSON.stringify(payload)),
      }),
    );
    status = output.StatusCode;
  } catch (error) {
    throw translate(functionName, error);
  }
  if (status !== 202) throw new UpstreamError(`${functionName} did not accept the event (status ${status})`);
}
