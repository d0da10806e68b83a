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

/** The time range and granularity of a read. */
export interface MetricWindow {
  readonly start: number;
  readonly end: number;
  readonly periodSeconds: number;
}

/** One datapoint: the period's start (epoch ms; `NaN` when CloudWatch sent no timestamp) and its value. */
export interface MetricPoint {
  readonly timestamp: number;
  readonly value: number;
}

/** What CloudWatch returned for one query. */
export interface MetricSeriesResult {
  /** Newest first. */
  readonly points: MetricPoint[];
  /**
   * CloudWatch's `StatusCode` on the last page that carried the query: `Complete`, or
   * `PartialData`, `InternalError`, `Forbidden`; `Missing` when no page carried it at all.
   * Anything but `Complete` means datapoints may be missing.
   */
  readonly status: string;
  /** CloudWatch's messages for the query (e.g. why it is partial). */
  readonly messages: string[];
}

/** GetMetricData accepts at most this many queries per call. */
export const MAX_QUERIES_PER_CALL = 500;

/**
 * Reads the datapoints of several metrics over `[start, end)` with their timestamps and each
 * query's status, in as few GetMetricData calls as the 500-query limit allows, following
 * `NextToken`. Errors (throttling, timeouts) surface after the SDK's own retries.
 */
export async function readMetricSeries(
  client: CloudWatchClient,
  queries: readonly MetricQuery[],
  window: MetricWindow,
  signal?: AbortSignal,
): Promise<Map<string, MetricSeriesResult>> {
  const results = new Map<string, MetricSeriesResult>(
    queries.map((q) => [q.id, { points: [], status: 'Missing', messages: [] }]),
  );
  for (let offset = 0; offset < queries.length; offset += MAX_QUERIES_PER_CALL) {
    const chunk = queries.slice(offset, offset + MAX_QUERIES_PER_CALL).map((q) => toQuery(q, window));
    let nextToken: string | undefined;
    do {
      const output = await client.send(
        new GetMetricDataCommand({
          MetricDataQueries: chunk,
          StartTime: new Date(window.start),
          EndTime: new Date(window.end),
          ScanBy: 'TimestampDescending',
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
        signal ? callOptions(signal) : {},
      );
      for (const result of output.MetricDataResults ?? ([] as MetricDataResult[])) {
        const entry = result.Id ? results.get(result.Id) : undefined;
        if (!entry) continue;
        const timestamps = result.Timestamps ?? [];
        (result.Values ?? []).forEach((value, index) => {
          entry.points.push({ timestamp: timestamps[index]?.getTime() ?? Number.NaN, value });
        });
        entry.messages.push(
          ...(result.Messages ?? []).map((m) => `${m.Code ?? 'Message'}: ${m.Value ?? ''}`),
        );
        results.set(result.Id!, { ...entry, status: result.StatusCode ?? 'Complete' });
      }
      nextToken = output.NextToken;
    } while (nextToken);
  }
  return results;
}

/**
 * Reads the values of several metrics over `[start, end)`, newest first, keyed by query id.
 * Queries without data map to `[]`. (For callers that need timestamps or the query status, see
 * {@link readMetricSeries}.)
 */
export async function readMetrics(
  client: CloudWatchClient,
  queries: readonly MetricQuery[],
  window: MetricWindow,
  signal: AbortSignal,
): Promise<Map<string, number[]>> {
  const series = await readMetricSeries(client, queries, window, signal);
  return new Map([...series].map(([id, result]) => [id, result.points.map((point) => point.value)]));
}

function toQuery(q: MetricQuery, window: MetricWindow): MetricDataQuery {
  return {
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
  };
}
