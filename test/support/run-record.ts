import type { RunRecord } from '../../functions/core/runs/record';

/** A run record for results a test builds by hand. */
export const aRunRecord = (overrides: Partial<RunRecord> = {}): RunRecord => ({
  fn: 'failover',
  eventKey: 'failover#database#e-1',
  runId: 'run-1',
  status: 'decided',
  reason: 'test',
  event: 'done',
  problems: [],
  at: 0,
  ...overrides,
});
