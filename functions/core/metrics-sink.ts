/** The EMF units the control plane publishes. */
export type MetricUnitName = 'Count' | 'Milliseconds';

/** One metric with its own dimensions (Powertools `Metrics.singleMetric()`), flushed when added. */
export interface SingleMetric {
  addDimension(name: string, value: string): SingleMetric;
  addMetric(name: string, unit: MetricUnitName, value: number): unknown;
}

/**
 * The part of Powertools `Metrics` the control plane uses, in the `MisyBot/HA` namespace: the
 * function's own dimensions with `addDimension`/`addMetric` (flushed at the end of the
 * invocation), or a metric with dimensions of its own through `singleMetric()`. Each handler
 * takes the `Pick` it needs, so a test records only what the handler publishes.
 */
export interface MetricsSink {
  singleMetric(): SingleMetric;
  addMetric(name: string, unit: MetricUnitName, value: number): unknown;
  addDimension(name: string, value: string): unknown;
}

/** What a publisher of per-metric dimensions needs: run records, failover and scaling metrics. */
export type SingleMetricSink = Pick<MetricsSink, 'singleMetric'>;
