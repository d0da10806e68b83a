import { ImportCertificateCommand } from '@aws-sdk/client-acm';
import { CreateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateLaunchTemplateCommand } from '@aws-sdk/client-ec2';
import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  CreateGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import {
  ChangeResourceRecordSetsCommand,
  CreateHealthCheckCommand,
  CreateHostedZoneCommand,
  type HealthCheckConfig,
} from '@aws-sdk/client-route-53';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import type { GlobalResources } from '../../functions/core/failover/region/resources';
import type { AwsClients } from '../account/aws-clients';
import { createCertificateAuthority } from '../network/certificates';

/** What the region failover function touches, deployed into the emulated account. */
export interface RegionPairResources {
  readonly resources: GlobalResources;
  readonly tableName: string;
  readonly topicArns: { readonly critical: string; readonly warning: string; readonly info: string };
  /** Each region's ALB health check config, by region (the Route 53 stand-in probes them). */
  readonly albChecks: Readonly<Record<string, { readonly id: string; readonly config: HealthCheckConfig }>>;
  readonly gate: { readonly id: string; readonly config: HealthCheckConfig };
  /** The ALB host name of each region, by region. */
  readonly albHosts: Readonly<Record<string, string>>;
  /** PEM file of the local CA that signed the standby certificate (ACM imports it `ISSUED`, 30 days valid). */
  readonly caFile: string;
}

/** The names one pair is deployed with, as lib/regional names them for a platform. */
export interface RegionPairNames {
  readonly platform: string;
  readonly primary: string;
  readonly secondary: string;
  /** Readers of the secondary cluster (0: headless, as `config/two-regions.json`). */
  readonly secondaryReaders: number;
  readonly standbyCapacity: number;
  readonly maxCapacity: number;
  readonly zoneName: string;
  readonly workDir: string;
}

/**
 * Deploys, through the SDK, only what the region failover function reads and changes: the
 * Aurora global cluster with a member cluster in each region (a writer instance in the primary,
 * the secondary headless or with readers), each region's fleet (launch template and Auto
 * Scaling group), the ALB health checks and the calculated gate in front of the PRIMARY failover
 * record, the state table and the alert topics in the standby region, a secret replicated to
 * the standby and the standby's certificate. The Global Datastore lives in its stand-in only.
 * @param client the observer's clients of a region.
 */
export async function provisionRegionPair(
  client: (region: string) => AwsClients,
  names: RegionPairNames,
): Promise<RegionPairResources> {
  const { platform, primary, secondary } = names;
  const regions = [primary, secondary];
  const globalClusterIdentifier = `${platform}-global`;
  await client(primary).rds.send(
    new CreateGlobalClusterCommand({
      GlobalClusterIdentifier: globalClusterIdentifier,
      Engine: 'aurora-postgresql',
    }),
  );
  const clusterArns: Record<string, string> = {};
  for (const region of regions) {
    const id = `${platform}-${region}-db`;
    const created = await client(region).rds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: id,
        Engine: 'aurora-postgresql',
        GlobalClusterIdentifier: globalClusterIdentifier,
        ...(region === primary
          ? { MasterUsername: 'misybot', MasterUserPassword: 'emulated-password-1' }
          : {}),
      }),
    );
    clusterArns[region] = created.DBCluster!.DBClusterArn!;
    const instances = region === primary ? 1 : names.secondaryReaders;
    for (let index = 1; index <= instances; index++) {
      await client(region).rds.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: `${id}-${index}`,
          DBClusterIdentifier: id,
          Engine: 'aurora-postgresql',
          DBInstanceClass: 'db.r6g.large',
        }),
      );
    }
  }

  const albHosts = Object.fromEntries(
    regions.map((region) => [region, `${platform}-alb.${region}.elb.amazonaws.com`]),
  );
  for (const region of regions) {
    await client(region).ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: `${platform}-fleet`,
        LaunchTemplateData: { ImageId: 'ami-12c6146b', InstanceType: 't4g.small' },
      }),
    );
    // The primary serves at its minimum; the standby waits at its standby capacity.
    const capacity = region === primary ? 2 : names.standbyCapacity;
    await client(region).autoScaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: `${platform}-${region}-fleet`,
        LaunchTemplate: { LaunchTemplateName: `${platform}-fleet` },
        MinSize: capacity,
        MaxSize: names.maxCapacity,
        DesiredCapacity: capacity,
        AvailabilityZones: [`${region}a`, `${region}b`],
      }),
    );
  }

  const route53 = client(primary).route53;
  const albChecks: Record<string, { id: string; config: HealthCheckConfig }> = {};
  for (const region of regions) {
    const config: HealthCheckConfig = {
      Type: 'HTTPS',
      FullyQualifiedDomainName: albHosts[region],
      Port: 443,
      ResourcePath: '/health',
      RequestInterval: 30,
      FailureThreshold: 3,
    };
    const created = await route53.send(
      new CreateHealthCheckCommand({
        CallerReference: `${platform}-${region}-alb`,
        HealthCheckConfig: config,
      }),
    );
    albChecks[region] = { id: created.HealthCheck!.Id!, config };
  }
  const gateConfig: HealthCheckConfig = {
    Type: 'CALCULATED',
    HealthThreshold: 1,
    ChildHealthChecks: [albChecks[primary]!.id],
  };
  const gate = await route53.send(
    new CreateHealthCheckCommand({ CallerReference: `${platform}-gate`, HealthCheckConfig: gateConfig }),
  );
  const zone = await route53.send(
    new CreateHostedZoneCommand({ Name: names.zoneName, CallerReference: `${platform}-zone` }),
  );
  await route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zone.HostedZone!.Id!,
      ChangeBatch: {
        Changes: (['PRIMARY', 'SECONDARY'] as const).map((failover) => ({
          Action: 'CREATE',
          ResourceRecordSet: {
            Name: `api.${names.zoneName}`,
            Type: 'CNAME',
            TTL: 60,
            SetIdentifier: failover.toLowerCase(),
            Failover: failover,
            ResourceRecords: [{ Value: albHosts[failover === 'PRIMARY' ? primary : secondary]! }],
            HealthCheckId: failover === 'PRIMARY' ? gate.HealthCheck!.Id! : albChecks[secondary]!.id,
          },
        })),
      },
    }),
  );

  const home = client(secondary);
  const tableName = `${platform}-state`;
  await home.dynamoDb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
  const topic = async (severity: string) =>
    (await home.sns.send(new CreateTopicCommand({ Name: `${platform}-${severity}` }))).TopicArn!;
  const topicArns = {
    critical: await topic('critical'),
    warning: await topic('warning'),
    info: await topic('info'),
  };

  const secret = await client(primary).secrets.send(
    new CreateSecretCommand({
      Name: `${platform}/app`,
      SecretString: JSON.stringify({ token: 'emulated' }),
      AddReplicaRegions: [{ Region: secondary }],
    }),
  );
  const replicaArn = secret.ARN!.replace(`:${primary}:`, `:${secondary}:`);
  const ca = await createCertificateAuthority(names.workDir);
  const issued = await ca.issue([albHosts[secondary]!]);
  const certificate = await home.acm.send(
    new ImportCertificateCommand({
      Certificate: Buffer.from(issued.cert),
      PrivateKey: Buffer.from(issued.key),
      CertificateChain: Buffer.from(ca.caPem),
    }),
  );

  const regionResources = (region: string) => ({
    region,
    clusterArn: clusterArns[region]!,
    replicationGroupId: `${platform}-${region}-cache`,
    autoScalingGroupName: `${platform}-${region}-fleet`,
    healthCheckId: albChecks[region]!.id,
    ...(region === secondary ? { certificateArn: certificate.CertificateArn! } : {}),
    secretArns: region === secondary ? [replicaArn] : [secret.ARN!],
    databaseInstanceClass: 'db.r6g.large',
  });
  return {
    resources: {
      globalClusterIdentifier,
      globalReplicationGroupId: `${platform}-global-cache`,
      primaryRegion: primary,
      primaryGateHealthCheckId: gate.HealthCheck!.Id!,
      regions: { [primary]: regionResources(primary), [secondary]: regionResources(secondary) },
    },
    tableName,
    topicArns,
    albChecks,
    gate: { id: gate.HealthCheck!.Id!, config: gateConfig },
    albHosts,
    caFile: ca.caFile,
  };
}
