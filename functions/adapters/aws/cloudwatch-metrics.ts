import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { callOptions } from './aws-errors';

/** One metric to read: `id` must be lower-case letters, digits and `_`, starting with a letter. */
export interface MetricQuery {
  readonly id: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly stat: 'Maximum' | 'Sum' | 'Average';
}

/**
 * Reads the datapoints of several metrics over `[start, end)` in one GetMetricData call
 * (following `NextToken`), newest first, keyed by query id. Queries without data map to `[]`.
 */
export async function readMetrics(
  client: CloudWatchClient,
  queries: readonly MetricQuery[],
  window: { readonly start: number; readonly end: number; readonly periodSeconds: number },
  signal: AbortSignal,
): Promise<Map<string, number[]>> {
  const values = new Map<string, number[]>(queries.map((q) => [q.id, []]));
  if (queries.length === 0) return values;
  const metricQueries: MetricDataQuery[] = queries.map((q) => ({
    Id: q.id,
    ReturnData: true,
    MetricStat: {
      Metric: {
        Namespace: q.namespace,
        MetricName: q.metricName,
        Dimensions: Object.entries(q.dimensions).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: window.periodSeconds,
      Stat: q.stat,
    },
  }));
  let nextToken: string | undefined;
  do {
    const output = await client.send(
      new GetMetricDataCommand({
        MetricDataQueries: metricQueries,
        StartTime: new Date(window.start),
        EndTime: new Date(window.end),
        ScanBy: 'TimestampDescending',
        ...(nextToken ? { NextToken: nextToken } : {}),
      }),
      callOptions(signal),
    );
    for (const result of output.MetricDataResults ?? ([] as MetricDataResult[])) {
      if (result.Id) values.get(result.Id)?.push(...(result.Values ?? []));
    }
    nextToken = output.NextToken;
  } while (nextToken);
  return values;
}
