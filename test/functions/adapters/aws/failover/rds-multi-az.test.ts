import { DescribeDBInstancesCommand, RDSClient, RebootDBInstanceCommand } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { RdsMultiAzInstance } from '../../../../../functions/adapters/aws/failover/rds-multi-az';
import { SteppingClock, sdkError } from './clock';

const client = new RDSClient({ region: 'eu-west-1', maxAttempts: 1 });
const rds = mockClient(client);
const T = Date.UTC(2026, 0, 1);
const instanceIn = (AvailabilityZone: string, DBInstanceStatus = 'available') => ({
  DBInstances: [
    {
      DBInstanceIdentifier: 'misybot',
      DBInstanceStatus,
      AvailabilityZone,
      MultiAZ: true,
      SecondaryAvailabilityZone: AvailabilityZone === 'eu-west-1a' ? 'eu-west-1b' : 'eu-west-1a',
    },
  ],
});

let clock: SteppingClock;
let instance: RdsMultiAzInstance;
beforeEach(() => {
  rds.reset();
  clock = new SteppingClock(T);
  instance = new RdsMultiAzInstance(client, { instanceIdentifier: 'misybot', pollIntervalMs: 10_000 }, clock);
});

describe('RdsMultiAzInstance', () => {
  it('reboots with ForceFailover', async () => {
    rds.on(RebootDBInstanceCommand).resolves({});
    await expect(instance.rebootWithFailover(T + 600_000)).resolves.toMatchObject({ ok: true });
    expect(rds.commandCalls(RebootDBInstanceCommand).map((c) => c.args[0].input)).toEqual([
      { DBInstanceIdentifier: 'misybot', ForceFailover: true },
    ]);
  });

  it('reports an instance that cannot reboot now as rejected', async () => {
    rds.on(RebootDBInstanceCommand).rejects(sdkError('InvalidDBInstanceState', 'instance is modifying'));
    await expect(instance.rebootWithFailover(T + 600_000)).resolves.toMatchObject({
      failure: 'rejected',
      accepted: false,
    });
  });

  it('waits until the primary runs in the standby zone and is available', async () => {
    rds
      .on(DescribeDBInstancesCommand)
      .resolvesOnce(instanceIn('eu-west-1a', 'rebooting'))
      .resolvesOnce(instanceIn('eu-west-1b', 'rebooting'))
      .resolves(instanceIn('eu-west-1b'));
    await expect(instance.waitForZone('eu-west-1b', T + 600_000)).resolves.toMatchObject({ ok: true });
    expect(clock.sleeps).toEqual([10_000, 10_000]);
  });

  it('times out when the zone never changes', async () => {
    rds.on(DescribeDBInstancesCommand).resolves(instanceIn('eu-west-1a'));
    await expect(instance.waitForZone('eu-west-1b', T + 25_000)).resolves.toMatchObject({
      failure: 'timeout',
      message: 'deadline passed: primary in eu-west-1a, status available',
    });
  });

  it('observes both zones, the standby with zero lag', async () => {
    rds.on(DescribeDBInstancesCommand).resolves(instanceIn('eu-west-1a'));
    await expect(instance.observe()).resolves.toEqual({
      primary: { id: 'eu-west-1a', healthy: true },
      standbys: [{ id: 'eu-west-1b', healthy: true, replicaLagSeconds: 0 }],
    });
  });
});
