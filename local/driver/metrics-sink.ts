import { type MetricDatum, PutMetricDataCommand, type StandardUnit } from '@aws-sdk/client-cloudwatch';
import type { AwsClients } from '../account/aws-clients';
import type { LogLine } from '../runtime/execution-environment';
import type { InvocationRecord } from '../runtime/function-runner';
import type { Scheduler } from './scheduler';

interface EmfDirective {
  readonly Namespace: string;
  readonly Dimensions: readonly (readonly string[])[];
  readonly Metrics: readonly { readonly Name: string; readonly Unit?: string }[];
}

// CloudWatch Logs turns EMF into metrics within seconds: flushed every 10 s of virtual time.
const FLUSH_PERIOD_MS = 10_000;

/**
 * The metrics AWS makes from what the functions do: CloudWatch embedded-metric-format documents
 * in their logs (Powertools Metrics) become datapoints, as CloudWatch Logs extracts them, and
 * every invocation adds Lambda's own `Invocations`, `Errors`, `Throttles` and `Duration`
 * (dimension `FunctionName`). The health check's control-plane checks and the alarms read them.
 */
export class MetricsSink {
  private buffer = new Map<string, MetricDatum[]>();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly emulator: AwsClients,
  ) {}

  /** Flushes every 10 seconds of virtual time. */
  start(): void {
    this.scheduler.every(this.scheduler.clock.now() + FLUSH_PERIOD_MS, FLUSH_PERIOD_MS, 'metrics flush', () =>
      this.flush(),
    );
  }

  readonly onLog = (line: LogLine): void => {
    if (!line.text.startsWith('{') || !line.text.includes('"_aws"')) return;
    let document: Record<string, unknown>;
    try {
      document = JSON.parse(line.text) as Record<string, unknown>;
    } catch {
      return;
    }
    const aws = document._aws as { Timestamp?: number; CloudWatchMetrics?: EmfDirective[] } | undefined;
    for (const directive of aws?.CloudWatchMetrics ?? []) {
      for (const dimensionSet of directive.Dimensions.length > 0 ? directive.Dimensions : [[]]) {
        const dimensions = dimensionSet.map((name) => ({ Name: name, Value: String(document[name]) }));
        for (const metric of directive.Metrics) {
          const raw = document[metric.Name];
          for (const value of Array.isArray(raw) ? raw : [raw]) {
            if (typeof value !== 'number') continue;
            this.add(directive.Namespace, {
              MetricName: metric.Name,
              Dimensions: dimensions,
              Timestamp: new Date(aws?.Timestamp ?? this.scheduler.clock.now()),
              Value: value,
              ...(metric.Unit ? { Unit: metric.Unit as StandardUnit } : {}),
            });
          }
        }
      }
    }
  };

  readonly onInvocation = (record: InvocationRecord): void => {
    const dimensions = [{ Name: 'FunctionName', Value: record.functionName }];
    const timestamp = new Date(record.startedAt);
    const count = (name: string, value: number) =>
      this.add('AWS/Lambda', {
        MetricName: name,
        Dimensions: dimensions,
        Timestamp: timestamp,
        Value: value,
        Unit: 'Count',
      });
    if (record.outcome.status === 'throttled') {
      count('Throttles', 1);
      return;
    }
    count('Invocations', 1);
    count('Errors', record.outcome.status === 'failed' ? 1 : 0);
    this.add('AWS/Lambda', {
      MetricName: 'Duration',
      Dimensions: dimensions,
      Timestamp: timestamp,
      Value: record.endedAt - record.startedAt,
      Unit: 'Milliseconds',
    });
  };

  private add(namespace: string, datum: MetricDatum): void {
    this.buffer.set(namespace, [...(this.buffer.get(namespace) ?? []), datum]);
  }

  /** Sends what is buffered to the emulator's CloudWatch. */
  async flush(): Promise<void> {
    const batches = this.buffer;
    this.buffer = new Map();
    for (const [namespace, data] of batches) {
      for (let start = 0; start < data.length; start += 1000) {
        await this.emulator.cloudWatch.send(
          new PutMetricDataCommand({ Namespace: namespace, MetricData: data.slice(start, start + 1000) }),
        );
      }
    }
  }
}
