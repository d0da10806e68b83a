import { classifyAwsError, failureOf } from '../../../../../functions/adapters/aws/failover/aws-errors';
import { pollUntil } from '../../../../../functions/adapters/aws/failover/polling';
import { SteppingClock, sdkError } from './clock';

describe('classifying SDK errors for the failover record', () => {
  it.each([
    ['ThrottlingException', 400, 'throttled'],
    ['Throttling', 400, 'throttled'],
    ['SomethingElse', 429, 'throttled'],
    ['PriorRequestNotComplete', 400, 'prior-request-pending'],
    ['TimeoutError', 0, 'timeout'],
    ['InvalidDBClusterStateFault', 400, 'rejected'],
    ['InternalFailure', 500, 'unknown'],
  ])('%s (HTTP %i) is %s', (name, status, kind) => {
    expect(classifyAwsError(sdkError(name, 'x', status))).toBe(kind);
  });

  it('marks a change that timed out or failed unexpectedly as possibly accepted, never a throttled or read call', () => {
    expect(failureOf(sdkError('TimeoutError', 'x', 0), true)).toMatchObject({ accepted: true });
    expect(failureOf(sdkError('InternalFailure', 'x', 500), true)).toMatchObject({ accepted: true });
    expect(failureOf(sdkError('ThrottlingException', 'x'), true)).toMatchObject({ accepted: false });
    expect(failureOf(sdkError('TimeoutError', 'x', 0), false)).toMatchObject({ accepted: false });
  });
});

describe('pollUntil', () => {
  it('gives up at the deadline with the last thing it saw', async () => {
    const clock = new SteppingClock(0);
    let reads = 0;
    const outcome = await pollUntil(
      async () => ++reads,
      (n) => `read ${n}`,
      10_000,
      4_000,
      clock,
    );
    expect(outcome).toEqual({
      ok: false,
      failure: 'timeout',
      message: 'deadline passed: read 3',
      accepted: false,
    });
    expect(clock.sleeps).toEqual([4000, 4000]);
  });
});
