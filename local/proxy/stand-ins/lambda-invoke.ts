import type { PlatformModel } from '../../account/platform-model';
import type { AsyncInvoker } from '../../driver/async-invoker';
import type { FunctionRunner } from '../../runtime/function-runner';
import { awsError, jsonResult } from '../aws-responses';
import type { FaultProxy } from '../fault-proxy';

/**
 * Lambda `Invoke` on the emulated functions (moto would need Docker to run them): `RequestResponse`
 * runs the function in its Node 24 environment and answers its payload, with
 * `X-Amz-Function-Error: Unhandled` and Lambda's error payload when it failed, 429
 * `TooManyRequestsException` when no environment is free within its concurrency; `Event` hands
 * the payload to Lambda's asynchronous invocation and answers 202; `DryRun` answers 204.
 */
export function installLambdaInvoke(
  proxy: FaultProxy,
  model: PlatformModel,
  runner: FunctionRunner,
  invoker: AsyncInvoker,
): void {
  proxy.intercept('lambda', 'Invoke', async (request, _forward, caller) => {
    const name = String(request.params.FunctionName);
    const fn = model.byNameOrArn(name);
    if (!fn) return awsError('rest-json', 404, 'ResourceNotFoundException', `Function not found: ${name}`);
    let payload: unknown = {};
    try {
      payload = request.body.length === 0 ? {} : JSON.parse(request.body.toString('utf8'));
    } catch {
      return awsError(
        'rest-json',
        400,
        'InvalidRequestContentException',
        'Could not parse request body into json',
      );
    }
    const type = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (type === 'DryRun') return { status: 204, headers: {}, body: Buffer.alloc(0) };
    if (type === 'Event') {
      invoker.invoke(fn, payload, 'lambda-invoke', caller ?? 'observer');
      return { status: 202, headers: { 'x-amzn-requestid': fn.name }, body: Buffer.alloc(0) };
    }
    const invocation = await runner.invoke(fn.name, payload);
    const { outcome } = invocation;
    const headers = { 'x-amz-executed-version': '$LATEST', 'x-amzn-requestid': invocation.requestId };
    if (outcome.status === 'throttled')
      return awsError('rest-json', 429, 'TooManyRequestsException', 'Rate Exceeded.');
    if (outcome.status === 'succeeded') return jsonResult(200, outcome.payload, headers);
    return jsonResult(200, outcome.error, { ...headers, 'x-amz-function-error': 'Unhandled' });
  });
}
