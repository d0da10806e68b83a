import {
  type CloudWatchClient,
  type Dimension,
  GetMetricDataCommand,
  ListMetricsCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import type { CacheStatsSource } from '../../../core/admin/ports';

const COUNTERS = { Hits: 'hits', Misses: 'misses', StaleServes: 'staleServes', Errors: 'errors' } as const;
type Counter = (typeof COUNTERS)[keyof typeof COUNTERS];
/** GetMetricData takes at most 500 queries per call. */
const BATCH = 500;

/**
 * Per-namespace cache counters from CloudWatch: the platform's services export the cache
 * library's stats as EMF (`cacheStatsToEmf`, namespace `MisyBot/Cache`, dimension
 * `CacheNamespace` plus whatever the service adds). Every dimension set is summed per namespace
 * over the window, so one namespace used by several services shows once.
 */
export class CloudWatchCacheStats implements CacheStatsSource {
  constructor(
    private readonly client: CloudWatchClient,
    private readonly metricNamespace = 'MisyBot/Cache',
  ) {}

  async stats(windowMinutes: number, now: number) {
    const series: { id: string; namespace: string; counter: Counter; dimensions: Dimension[] }[] = [];
    for (const [metricName, counter] of Object.entries(COUNTERS)) {
      for (const dimensions of await this.dimensionSets(metricName)) {
        const namespace = dimensions.find((d) => d.Name === 'CacheNamespace')?.Value;
        if (namespace !== undefined) series.push({ id: `m${series.length}`, namespace, counter, dimensions });
      }
    }
    const totals = new Map<string, Record<Counter, number>>();
    const end = new Date(Math.floor(now / 60_000) * 60_000);
    const start = new Date(end.getTime() - windowMinutes * 60_000);
    for (let offset = 0; offset < series.length; offset += BATCH) {
      const batch = series.slice(offset, offset + BATCH);
      const queries: MetricDataQuery[] = batch.map((s) => ({
        Id: s.id,
        MetricStat: {
          Metric: {
            Namespace: this.metricNamespace,
            MetricName: metricNameOf(s.counter),
            Dimensions: s.dimensions,
          },
          Period: windowMinutes * 60,
          Stat: 'Sum',
        },
      }));
      let token: string | undefined;
      do {
        const output = await this.client.send(
          new GetMetricDataCommand({
            MetricDataQueries: queries,
            StartTime: start,
            EndTime: end,
            NextToken: token,
          }),
        );
        for (const result of output.MetricDataResults ?? []) {
          const s = batch.find((candidate) => candidate.id === result.Id);
          if (!s) continue;
          const row = totals.get(s.namespace) ?? { hits: 0, misses: 0, staleServes: 0, errors: 0 };
          row[s.counter] += (result.Values ?? []).reduce((sum, value) => sum + value, 0);
          totals.set(s.namespace, row);
        }
        token = output.NextToken;
      } while (token);
    }
    return [...totals.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([namespace, row]) => ({ namespace, ...row }));
  }

  private async dimensionSets(metricName: string): Promise<Dimension[][]> {
    const sets: Dimension[][] = [];
    let token: string | undefined;
    do {
      const output = await this.client.send(
        new ListMetricsCommand({ Namespace: this.metricNamespace, MetricName: metricName, NextToken: token }),
      );
      for (const metric of output.Metrics ?? []) sets.push(metric.Dimensions ?? []);
      token = output.NextToken;
    } while (token);
    return sets;
  }
}

function metricNameOf(counter: Counter): string {
  return Object.entries(COUNTERS).find(([, value]) => value === counter)![0];
}
