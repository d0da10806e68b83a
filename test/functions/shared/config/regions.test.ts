import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePlatformConfig } from '../../../../functions/shared/config';
import { problemsOf } from '../../../support/config';

const twoRegions = JSON.parse(readFileSync(join(__dirname, '../../../../config/two-regions.json'), 'utf8'));
const withRegions = (regions: object, rest: object = {}) => ({ ...twoRegions, ...rest, regions });
const pair = { primary: { region: 'eu-west-1' }, secondary: { region: 'eu-central-1' } };

describe('regions', () => {
  it('stays a single-region platform when left out', () => {
    expect(parsePlatformConfig({}).regions).toBeUndefined();
  });

  it('fills the standby and failover defaults and takes the primary as the stack region', () => {
    const config = parsePlatformConfig(withRegions(pair));
    expect(config.environment.region).toBe('eu-west-1');
    expect(config.regions?.secondary).toMatchObject({
      cidr: '10.30.0.0/16',
      standbyCapacity: 1,
      databaseReaders: 1,
      cacheNodes: 2,
    });
    expect(config.regions?.failover).toMatchObject({
      automatic: true,
      automaticFailoversPer24Hours: 1,
      holdDownSeconds: 300,
      maxReplicationLagMs: 5000,
      maxRpoLagSeconds: 60,
      maxReadingAgeSeconds: 180,
    });
  });

  it('accepts a headless secondary cluster', () => {
    expect(parsePlatformConfig(twoRegions).regions?.secondary.databaseReaders).toBe(0);
  });

  it('names the field when the secondary region is the primary one', () => {
    expect(problemsOf(withRegions({ ...pair, secondary: { region: 'eu-west-1' } }))).toContain(
      'regions.secondary.region: must differ from regions.primary.region, got "eu-west-1" for both',
    );
  });

  it('rejects a malformed region name with the field and the value', () => {
    expect(problemsOf(withRegions({ ...pair, secondary: { region: 'Frankfurt' } }))).toContain(
      'regions.secondary.region: must be an AWS region such as "eu-west-1", got "Frankfurt"',
    );
  });

  it('needs a domain for the records between the regional ALBs', () => {
    const { domain: _, ...noDomain } = twoRegions;
    expect(problemsOf(noDomain)).toContain(
      'domain: must be set with regions (the Route 53 failover records between the regional ALBs go in its zone), got nothing',
    );
  });

  it('refuses a maintenance-site secondary next to a standby region', () => {
    const failover = { secondary: { kind: 'ipv4', addresses: ['192.0.2.10'] } };
    expect(problemsOf(withRegions(pair, { failover }))).toContain(
      "failover.secondary: must be left out with regions (the secondary record is the standby region's ALB), got a target",
    );
  });

  it('refuses an environment region other than the primary one', () => {
    expect(problemsOf(withRegions(pair, { environment: { region: 'us-east-1' } }))).toContain(
      'environment.region: must equal regions.primary.region ("eu-west-1") or be left out, got "us-east-1"',
    );
  });

  it('refuses standby zones of another region', () => {
    const secondary = { region: 'eu-central-1', availabilityZones: ['eu-west-1a', 'eu-west-1b'] };
    expect(problemsOf(withRegions({ ...pair, secondary }))).toContain(
      'regions.secondary.availabilityZones: must be zones of regions.secondary.region (eu-central-1), got ["eu-west-1a","eu-west-1b"]',
    );
  });

  it('refuses node types Global Datastore and Aurora Global Database do not support', () => {
    const problems = problemsOf(
      withRegions(pair, {
        cache: { nodeType: 'cache.t4g.small' },
        database: { instanceClass: 't4g.medium' },
      }),
    );
    expect(problems).toContain(
      'cache.nodeType: must be an M or R family node type with regions (Global Datastore supports no other), got "cache.t4g.small"',
    );
    expect(problems).toContain(
      'database.instanceClass: must be an R or X class with regions (Aurora Global Database supports no burstable class), got "t4g.medium"',
    );
  });

  it('keeps the standby capacity within what a switch scales it to', () => {
    const secondary = { region: 'eu-central-1', standbyCapacity: 3 };
    expect(problemsOf(withRegions({ ...pair, secondary }))).toContain(
      'regions.secondary.standbyCapacity: must be ≤ fleet.minCapacity (2), the capacity a switch scales the standby to, got 3',
    );
  });

  it('needs a standby image when the fleet image is a regional AMI id', () => {
    const fleet = { ...twoRegions.fleet, app: { image: { amiId: 'ami-0123456789abcdef0' } } };
    expect(problemsOf(withRegions(pair, { fleet }))).toContain(
      'regions.secondary.image: must be set when fleet.app.image names an AMI id (ids are regional), got nothing',
    );
  });

  it('rejects a failover hold-down shorter than a minute', () => {
    expect(problemsOf(withRegions({ ...pair, failover: { holdDownSeconds: 10 } }))[0]).toMatch(
      /^regions\.failover\.holdDownSeconds: .*60.*got 10$/,
    );
  });
});
