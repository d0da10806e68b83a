import type { SingleMetric, SingleMetricSink } from '../../../../functions/core/metrics-sink';
import type { RunRecord } from '../../../../functions/core/runs/record';
import { rejectedRun, writeRunRecord } from '../../../../functions/core/runs/run-log';

function sinks() {
  const lines: { level: string; message: string; extra: Record<string, unknown> }[] = [];
  const metrics: string[] = [];
  const at = (level: string) => (message: string, extra: Record<string, unknown>) =>
    lines.push({ level, message, extra });
  const log = { info: at('info'), warn: at('warn'), error: at('error') };
  // A metric with dimensions records them in order: `name dim=value dim=value`.
  const metric = (dimensions: string): SingleMetric => ({
    addDimension: (name, value) => metric(`${dimensions} ${name}=${value}`),
    addMetric: (name) => void metrics.push(`${name}${dimensions}`),
  });
  const sink: SingleMetricSink = { singleMetric: () => metric('') };
  return { log, sink, lines, metrics };
}

const record = (overrides: Partial<RunRecord> = {}): RunRecord => ({
  fn: 'scaling',
  eventKey: 'scaling:e-1',
  runId: 'req-1',
  status: 'acted',
  reason: 'scale out 2 → 3',
  event: 'done',
  problems: [],
  at: 0,
  ...overrides,
});

describe('writeRunRecord', () => {
  it('writes one "run record" line with the details and counts the run by status', () => {
    const { log, sink, lines, metrics } = sinks();
    writeRunRecord(log, sink, record(), { trigger: 'schedule' });
    expect(lines).toEqual([
      { level: 'info', message: 'run record', extra: { trigger: 'schedule', run: record() } },
    ]);
    expect(metrics).toEqual(['ControlRuns Status=acted']);
  });

  it('logs a failure as an error, a retried event or a coordination problem as a warning, and counts them', () => {
    const { log, sink, lines, metrics } = sinks();
    writeRunRecord(log, sink, record({ status: 'failed', event: 'retry' }));
    writeRunRecord(log, sink, record({ status: 'skipped', event: 'retry' }));
    writeRunRecord(
      log,
      sink,
      record({
        problems: [
          { kind: 'lock-release', detail: 'lease scaling#g was not released' },
          { kind: 'event-completion', detail: 'not completed' },
        ],
      }),
    );
    writeRunRecord(log, sink, record({ status: 'decided' }), {}, true);
    expect(lines.map((l) => l.level)).toEqual(['error', 'warn', 'warn', 'warn']);
    expect(metrics).toEqual([
      'ControlRuns Status=failed',
      'ControlRunsRetried',
      'ControlRuns Status=skipped',
      'ControlRunsRetried',
      'ControlRuns Status=acted',
      'LockReleaseFailures',
      'EventRecordFailures',
      'ControlRuns Status=decided',
    ]);
  });
});

describe('rejectedRun', () => {
  it('records an event the function could not read as a failure, retried when the invocation fails', () => {
    expect(rejectedRun('failover', 'req-9', 'detail-type: unknown', 5, true)).toEqual({
      fn: 'failover',
      eventKey: 'failover:rejected:req-9',
      runId: 'req-9',
      status: 'failed',
      reason: 'rejected: detail-type: unknown',
      event: 'retry',
      problems: [],
      at: 5,
    });
    expect(rejectedRun('scaling', 'req-9', 'bad', 5, false).event).toBe('done');
  });
});
