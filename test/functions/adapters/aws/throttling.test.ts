import { isThrottlingError, THROTTLING_ERROR_NAMES } from '../../../../functions/adapters/aws/throttling';

const named = (name: string) => Object.assign(new Error('slow down'), { name });

describe('isThrottlingError', () => {
  test.each([...THROTTLING_ERROR_NAMES])('counts %s as throttling', (name) => {
    expect(isThrottlingError(named(name))).toBe(true);
  });

  it('counts an HTTP 429 answer whatever the error is named', () => {
    expect(isThrottlingError(Object.assign(named('Unknown'), { $metadata: { httpStatusCode: 429 } }))).toBe(
      true,
    );
  });

  it('counts an error the SDK marked as a throttling retry', () => {
    expect(isThrottlingError(Object.assign(named('Unknown'), { $retryable: { throttling: true } }))).toBe(
      true,
    );
  });

  it('does not count a missing resource, a timeout or a non-error', () => {
    expect(isThrottlingError(named('ResourceNotFoundException'))).toBe(false);
    expect(isThrottlingError(named('TimeoutError'))).toBe(false);
    expect(
      isThrottlingError(Object.assign(named('ValidationError'), { $metadata: { httpStatusCode: 400 } })),
    ).toBe(false);
    expect(isThrottlingError(undefined)).toBe(false);
    expect(isThrottlingError(null)).toBe(false);
  });

  it('holds the names both the health probes and the failover steps used to list', () => {
    for (const name of ['ThrottledException', 'RequestThrottledException', 'LimitExceededException'])
      expect(THROTTLING_ERROR_NAMES.has(name)).toBe(true);
  });
});
