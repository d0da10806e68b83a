import { Aws, Stack } from 'aws-cdk-lib';
import { parsePlatformConfig } from '../../../functions/shared/config';
import { GlobalStateTable } from '../../../lib/regional/global-state-table';
import { RegionalDnsFailover } from '../../../lib/regional/regional-dns';
import { SecondaryCache } from '../../../lib/regional/secondary-cache';
import { SecondaryDatabase } from '../../../lib/regional/secondary-database';
import { StandbyKeyStack } from '../../../lib/regional/standby-key-stack';
import { testApp, testVpc } from '../../support/cdk';

const config = parsePlatformConfig({});
const stack = () => new Stack(testApp(), 'Standby', { env: { region: 'eu-central-1' } });

describe('regional constructs refuse invalid combinations with a sentence', () => {
  it('SecondaryDatabase: readers from 0 (headless) to 15', () => {
    const s = stack();
    expect(
      () =>
        new SecondaryDatabase(s, 'Db', {
          vpc: testVpc(s),
          settings: config.database,
          globalClusterIdentifier: 'g',
          readers: 16,
        }),
    ).toThrow('SecondaryDatabase readers must be an integer from 0 (headless) to 15, got 16.');
  });

  it('SecondaryCache: 1 to 6 nodes', () => {
    const s = stack();
    expect(
      () =>
        new SecondaryCache(s, 'Cache', {
          vpc: testVpc(s),
          globalReplicationGroupId: 'g',
          nodes: 0,
          port: 6380,
        }),
    ).toThrow('SecondaryCache nodes must be an integer from 1 to 6, got 0.');
  });

  it('RegionalDnsFailover: two different regions', () => {
    const endpoint = { region: 'eu-west-1', dnsName: 'alb.example.com', hostedZoneId: 'Z32O12XQLNTSW2' };
    expect(
      () =>
        new RegionalDnsFailover(stack(), 'Dns', {
          domain: { zoneName: 'example.com', hostedZoneId: 'Z0EXAMPLE', recordName: 'api' },
          failover: config.failover,
          primary: endpoint,
          secondary: endpoint,
          healthCheckPath: '/health',
        }),
    ).toThrow('RegionalDnsFailover needs two regions, got "eu-west-1" for both.');
  });

  it('GlobalStateTable: a KMS key or alias ARN for the replica', () => {
    expect(
      () =>
        new GlobalStateTable(stack(), 'State', { replicaRegion: 'eu-central-1', replicaKeyArn: 'my-key' }),
    ).toThrow('GlobalStateTable replicaKeyArn must be a KMS key or alias ARN, got "my-key".');
  });

  it('GlobalStateTable: accepts a replica key ARN only known at deploy time (built from tokens)', () => {
    const scope = stack();
    const replicaKeyArn = `arn:${Aws.PARTITION}:kms:eu-west-1:123456789012:alias/misybot-ha-state`;
    expect(
      () => new GlobalStateTable(scope, 'State', { replicaRegion: 'eu-west-1', replicaKeyArn }),
    ).not.toThrow();
  });

  it('StandbyKeyStack: an explicit region', () => {
    expect(() => new StandbyKeyStack(testApp(), 'Keys', { platformName: 'misybot' })).toThrow(
      'StandbyKeyStack needs an explicit region (env.region): the primary stack names its key by ARN.',
    );
  });
});
