/**
 * CloudWatch Embedded Metric Format (EMF) documents, written by hand so services need no Powertools.
 * Spec: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 *
 * A value is a number or a distribution `{ Values, Counts, Max, Min, Count, Sum }`: each distinct
 * value once with how often it occurred, so one log line carries many observations and CloudWatch
 * still computes percentiles from them.
 */

/** Units CloudWatch accepts (the ones these libraries use). */
export type EmfUnit = 'Milliseconds' | 'Microseconds' | 'Seconds' | 'Count' | 'Bytes' | 'Percent' | 'None';

/** A batch of observations: `Values[i]` occurred `Counts[i]` times. At most {@link EMF_MAX_VALUES} entries. */
export interface EmfDistribution {
  readonly Values: readonly number[];
  readonly Counts: readonly number[];
  readonly Max: number;
  readonly Min: number;
  readonly Count: number;
  readonly Sum: number;
}

/** One metric of a document. */
export interface EmfMetric {
  readonly name: string;
  readonly unit: EmfUnit;
  readonly value: number | EmfDistribution;
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

/** EMF limits: values per metric, metrics per document, dimensions per set. */
export const EMF_MAX_VALUES = 100;
export const EMF_MAX_METRICS = 100;
export const EMF_MAX_DIMENSIONS = 30;

/**
 * Builds one EMF document.
 * @throws RangeError when a limit of the format is exceeded or a metric name collides with a dimension.
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
    if (typeof metric.value !== 'number' && metric.value.Values.length > EMF_MAX_VALUES) {
      throw new RangeError(
        `metric ${metric.name} has ${metric.value.Values.length} values, EMF allows ${EMF_MAX_VALUES}`,
      );
    }
    doc[metric.name] = metric.value;
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

/** Writes each document as one JSON line on stdout: what the Lambda runtime and the CloudWatch agent ingest. */
export function stdoutSink(doc: EmfDocument): void {
  process.stdout.write(`${JSON.stringify(doc)}\n`);
}
