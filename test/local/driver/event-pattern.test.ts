import { matchesPattern, ratePeriodMs } from '../../../local/driver/event-pattern';

const alarmChange = {
  source: 'aws.cloudwatch',
  'detail-type': 'CloudWatch Alarm State Change',
  resources: ['arn:aws:cloudwatch:us-east-1:1:alarm:cpu', 'arn:aws:cloudwatch:us-east-1:1:alarm:other'],
  detail: { alarmName: 'cpu', state: { value: 'ALARM' }, count: 7 },
};

describe('matchesPattern', () => {
  test('matches when every field matches and a list matches any of its values', () => {
    expect(
      matchesPattern(
        {
          source: ['aws.cloudwatch'],
          'detail-type': ['CloudWatch Alarm State Change'],
          detail: { state: { value: ['ALARM'] } },
        },
        alarmChange,
      ),
    ).toBe(true);
    expect(matchesPattern({ detail: { state: { value: ['OK'] } } }, alarmChange)).toBe(false);
  });

  test('matches an array field when any of its elements matches', () => {
    expect(matchesPattern({ resources: ['arn:aws:cloudwatch:us-east-1:1:alarm:cpu'] }, alarmChange)).toBe(
      true,
    );
    expect(matchesPattern({ resources: ['arn:aws:cloudwatch:us-east-1:1:alarm:memory'] }, alarmChange)).toBe(
      false,
    );
  });

  test('applies prefix, suffix, anything-but, exists and numeric filters', () => {
    expect(matchesPattern({ source: [{ prefix: 'aws.' }] }, alarmChange)).toBe(true);
    expect(matchesPattern({ source: [{ suffix: '.events' }] }, alarmChange)).toBe(false);
    expect(matchesPattern({ detail: { alarmName: [{ 'anything-but': ['memory'] }] } }, alarmChange)).toBe(
      true,
    );
    expect(matchesPattern({ detail: { alarmName: [{ 'anything-but': 'cpu' }] } }, alarmChange)).toBe(false);
    expect(matchesPattern({ detail: { missing: [{ exists: false }] } }, alarmChange)).toBe(true);
    expect(matchesPattern({ detail: { alarmName: [{ exists: false }] } }, alarmChange)).toBe(false);
    expect(matchesPattern({ detail: { count: [{ numeric: ['>', 5, '<=', 7] }] } }, alarmChange)).toBe(true);
    expect(matchesPattern({ detail: { count: [{ numeric: ['>', 7] }] } }, alarmChange)).toBe(false);
  });

  test('a field the event lacks never equals a value', () => {
    expect(matchesPattern({ detail: { component: ['api'] } }, alarmChange)).toBe(false);
  });
});

describe('ratePeriodMs', () => {
  test('reads rate expressions and leaves cron to the caller', () => {
    expect(ratePeriodMs('rate(1 minute)')).toBe(60_000);
    expect(ratePeriodMs('rate(5 minutes)')).toBe(300_000);
    expect(ratePeriodMs('rate(1 hour)')).toBe(3_600_000);
    expect(ratePeriodMs('cron(0 * * * ? *)')).toBeUndefined();
  });
});
