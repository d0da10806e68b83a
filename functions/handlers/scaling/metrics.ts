import type { SingleMetricSink } from '../../core/metrics-sink';
import type { ScalingOutcome } from '../../core/scaling/service';

/** EMF metric names, in the platform's `MisyBot/HA` namespace, each with an `AutoScalingGroupName` dimension. */
export const ScalingMetric = {
  /** The group's desired capacity when the run read it. */
  current: 'ScalingCurrentCapacity',
  /** The capacity the decision settled on (acted on or not). */
  desired: 'ScalingDesiredCapacity',
  /** The policies' combined recommendation, before stabilisation and the limits. */
  recommendation: 'ScalingRecommendation',
  /** 1 when the run changed the desired capacity. */
  actions: 'ScalingActions',
  /** One per limit that held or trimmed the decision; dimension `LimitKind` (cooldown, rate-limit, ...). */
  limited: 'ScalingLimited',
  /** 1 when the group is at its maximum and the policies still ask for more. */
  saturated: 'ScalingSaturated',
  /** Metric or policy reads the decision was made without. */
  skippedReads: 'ScalingSkippedReads',
  /** The run could not decide, or its SetDesiredCapacity failed. */
  failures: 'ScalingFailures',
} as const;

/**
 * Records one run's decision. A skipped run (a duplicate, a busy group) emits nothing here: the
 * run that handled the event, or holds the lease, reports for it, and the run record counts it.
 */
export function recordScalingMetrics(sink: SingleMetricSink, group: string, outcome: ScalingOutcome): void {
  const emit = (name: string, value: number, extra?: [string, string]) => {
    let metric = sink.singleMetric().addDimension('AutoScalingGroupName', group);
    if (extra) metric = metric.addDimension(extra[0], extra[1]);
    metric.addMetric(name, 'Count', value);
  };
  if (outcome.status === 'failed') {
    emit(ScalingMetric.failures, 1);
    emit(ScalingMetric.skippedReads, outcome.skipped.length);
    return;
  }
  if (outcome.status !== 'decided') return;
  const { decision } = outcome;
  emit(ScalingMetric.current, decision.current);
  emit(ScalingMetric.desired, decision.desired);
  emit(ScalingMetric.recommendation, decision.recommendation);
  emit(ScalingMetric.actions, outcome.action === 'scaled' ? 1 : 0);
  emit(ScalingMetric.saturated, decision.saturated ? 1 : 0);
  emit(ScalingMetric.skippedReads, outcome.skipped.length);
  if (outcome.action === 'failed') emit(ScalingMetric.failures, 1);
  const kinds = new Map<string, number>();
  for (const limit of decision.explanation.limits) kinds.set(limit.kind, (kinds.get(limit.kind) ?? 0) + 1);
  for (const [kind, count] of kinds) emit(ScalingMetric.limited, count, ['LimitKind', kind]);
}
