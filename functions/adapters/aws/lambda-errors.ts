import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { LambdaErrorsCheck } from '../../core/health/check-schema';
import type { ProbeOutcome } from '../../core/health/probe';
import { awsFailureOutcome } from './aws-errors';
import { readMetrics } from './cloudwatch-metrics';

/**
 * The control functions' own health: the sum of the function's CloudWatch `Errors` over the last
 * `windowMinutes`. More than `maxErrors` is down. No datapoints means no invocations failed.
 */
export function createLambdaErrorsProbe(
  cloudwatch: CloudWatchClient,
  now: () => number = Date.now,
): (check: LambdaErrorsCheck, signal: AbortSignal) => Promise<ProbeOutcome> {
  return async (check, signal) => {
    const end = now();
    let values: number[];
    try {
      const read = await readMetrics(
        cloudwatch,
        [
          {
            id: 'errors',
            namespace: 'AWS/Lambda',
            metricName: 'Errors',
            dimensions: { FunctionName: check.functionName },
            stat: 'Sum',
          },
        ],
        { start: end - check.windowMinutes * 60_000, end, periodSeconds: 60 },
        signal,
      );
      values = read.get('errors') ?? [];
    } catch (error) {
      return awsFailureOutcome('GetMetricData', error);
    }
    const errors = values.reduce((sum, value) => sum + value, 0);
    const observed = { errors };
    if (errors > check.maxErrors) {
      return {
        status: 'down',
        error: `${check.functionName}: ${errors} error(s) in the last ${check.windowMinutes} min (max ${check.maxErrors})`,
        observed,
      };
    }
    return { status: 'up', observed };
  };
}
