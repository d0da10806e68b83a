/**
 * CloudWatch Embedded Metric Format (EMF) documents, written by hand so services need no Powertools.
 * Spec: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 *
 * A metric value is a number or an array of at most {@link EMF_MAX_VALUES} numbers: the only target
 * shapes CloudWatch Logs extracts. An array carries many observations in one log line and CloudWatch
 * computes percentiles over them; any other shape (e.g. the `{ Values, Counts }` form of
 * PutMetricData) is not extracted.
 */

/** Units CloudWatch accepts (the ones these libraries use). */
export type EmfUnit = 'Milliseconds' | 'Microseconds' | 'Seconds' | 'Count' | 'Bytes' | 'Percent' | 'None';

/** One metric of a document. */
export interface EmfMetric {
  readonly name: string;
  readonly unit: EmfUnit;
  /** One value, or 1 to {@link EMF_MAX_VALUES} observations; finite numbers only (JSON has no NaN). */
  readonly value: number | readonly number[];
}

/** Everything one EMF document says. */
export interface EmfInput {
  /** CloudWatch namespace, e.g. `MisyBot/Endpoints`. */
  readonly namespace: string;
  /** Dimension name → value; all of them form one dimension set. */
  readonly dimensions: Readonly<Record<string, string>>;
  readonly metrics: readonly EmfMetric[];
  /** Epoch ms. */
  readonly timestamp: number;
  /**
   * Dimension sets to publish, each a list of names from `dimensions` (e.g. per route and per service
   * in one document). @default [all dimension names]
   */
  readonly dimensionSets?: readonly (readonly string[])[];
  /** Extra searchable properties (not dimensions). @default {} */
  readonly properties?: Readonly<Record<string, string | number | boolean>>;
}

/** A finished EMF document: serialise with `JSON.stringify` and write one per log line. */
export type EmfDocument = Record<string, unknown> & {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: readonly {
      readonly Namespace: string;
      readonly Dimensions: readonly (readonly string[])[];
      readonly Metrics: readonly { readonly Name: string; readonly Unit: EmfUnit }[];
    }[];
  };
};

/** Most values one metric may carry in a document (a longer array is not extracted). */
export const EMF_MAX_VALUES = 100;
/** Most metrics in one document. */
export const EMF_MAX_METRICS = 100;
/** Most dimensions in one dimension set. */
export const EMF_MAX_DIMENSIONS = 30;

/**
 * Builds one EMF document. Array values are copied, so the caller may reuse its array.
 * @throws RangeError when a limit of the format is exceeded, a value is not a finite number or an
 * array of 1 to {@link EMF_MAX_VALUES} finite numbers, or a metric name collides with a dimension.
 *
 * @example
 * ```ts
 * const doc = emfDocument({
 *   namespace: 'MisyBot/Cache',
 *   dimensions: { CacheNamespace: 'users' },
 *   metrics: [{ name: 'Hits', unit: 'Count', value: 42 }],
 *   timestamp: Date.now(),
 * });
 * process.stdout.write(`${JSON.stringify(doc)}\n`);
 * ```
 */
export function emfDocument(input: EmfInput): EmfDocument {
  const dimensionNames = Object.keys(input.dimensions);
  if (dimensionNames.length > EMF_MAX_DIMENSIONS) {
    throw new RangeError(`${dimensionNames.length} dimensions, EMF allows ${EMF_MAX_DIMENSIONS}`);
  }
  if (input.metrics.length > EMF_MAX_METRICS) {
    throw new RangeError(`${input.metrics.length} metrics, EMF allows ${EMF_MAX_METRICS}`);
  }
  for (const name of input.dimensionSets?.flat() ?? []) {
    if (!(name in input.dimensions)) throw new RangeError(`dimension set names ${name}, which has no value`);
  }
  const doc: Record<string, unknown> = { ...input.properties, ...input.dimensions };
  for (const metric of input.metrics) {
    if (metric.name in input.dimensions)
      throw new RangeError(`metric ${metric.name} collides with a dimension`);
    doc[metric.name] = metricValue(metric);
  }
  doc._aws = {
    Timestamp: Math.round(input.timestamp),
    CloudWatchMetrics: [
      {
        Namespace: input.namespace,
        Dimensions: input.dimensionSets ?? [dimensionNames],
        Metrics: input.metrics.map((m) => ({ Name: m.name, Unit: m.unit })),
      },
    ],
  };
  return doc as EmfDocument;
}

/** Checks a value against the target shapes the spec allows; arrays are copied. */
function metricValue({ name, value }: EmfMetric): number | number[] {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`metric ${name} is ${value}, not a finite number`);
    return value;
  }
  if (value.length === 0 || value.length > EMF_MAX_VALUES) {
    throw new RangeError(`metric ${name} has ${value.length} values, EMF allows 1 to ${EMF_MAX_VALUES}`);
  }
  const bad = value.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) throw new RangeError(`metric ${name}[${bad}] is ${value[bad]}, not a finite number`);
  return [...value];
}

/** Writes each document as one JSON line on stdout: what the Lambda runtime and the CloudWatch agent ingest. */
export function stdoutSink(doc: EmfDocument): void {
  process.stdout.write(`${JSON.stringify(doc)}\n`);
}
