import { InstanceArchitecture, InstanceType } from 'aws-cdk-lib/aws-ec2';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import fc from 'fast-check';
import {
  auroraDefaultMaxConnections,
  INSTANCE_TYPE_PATTERN,
  instanceArchitecture,
  LOG_RETENTION_DAYS,
  ratePeriodMs,
} from '../../../../functions/shared/config/limits';

describe('configuration limits shared with the constructs', () => {
  it('lists exactly the retention periods aws-cdk-lib knows, without never-expire', () => {
    const cdk = Object.values(RetentionDays).filter(
      (days): days is number => typeof days === 'number' && days !== RetentionDays.INFINITE,
    );
    expect([...LOG_RETENTION_DAYS].sort((a, b) => a - b)).toEqual([...new Set(cdk)].sort((a, b) => a - b));
  });

  it('derives the architecture of every instance type the pattern accepts as aws-cdk-lib does', () => {
    const instanceType = fc
      .tuple(
        fc.stringMatching(/^[a-z]{1,3}$/),
        fc.integer({ min: 1, max: 99 }),
        fc.stringMatching(/^[a-z-]{0,4}$/),
        fc.stringMatching(/^[a-z0-9-]{1,10}$/),
      )
      .map(([family, generation, capabilities, size]) => `${family}${generation}${capabilities}.${size}`);
    fc.assert(
      fc.property(instanceType, (type) => {
        expect(type).toMatch(INSTANCE_TYPE_PATTERN);
        const cdk = new InstanceType(type).architecture;
        expect(instanceArchitecture(type)).toBe(cdk === InstanceArchitecture.ARM_64 ? 'arm64' : 'x86_64');
      }),
    );
  });

  it('names Graviton families arm64 and the others x86_64', () => {
    expect(['t4g.small', 'c7gn.large', 'a1.medium', 'r8g.xlarge'].map(instanceArchitecture)).toEqual([
      'arm64',
      'arm64',
      'arm64',
      'arm64',
    ]);
    expect(['m7i.large', 't3.micro', 'c6a.2xlarge'].map(instanceArchitecture)).toEqual([
      'x86_64',
      'x86_64',
      'x86_64',
    ]);
  });

  it('sizes max_connections for the Aurora classes it knows and no other', () => {
    expect(auroraDefaultMaxConnections('r6g.large')).toBe(1678);
    expect(auroraDefaultMaxConnections('r6g.4xlarge')).toBe(5000);
    expect(auroraDefaultMaxConnections('m5.large')).toBeUndefined();
  });

  it('turns a rate expression into its period and leaves cron alone', () => {
    expect(ratePeriodMs('rate(1 minute)')).toBe(60_000);
    expect(ratePeriodMs('rate(2 hours)')).toBe(7_200_000);
    expect(ratePeriodMs('cron(0 3 * * ? *)')).toBeUndefined();
  });
});
