import { Template } from 'aws-cdk-lib/assertions';
import { loadPlatformConfig } from '../../functions/shared/config/load-file';
import { PlatformStack } from '../../lib/platform-stack';
import { testApp } from '../support/cdk';
import { deployTime } from '../support/deploy-time';

type Resource = { Type: string; Properties?: Record<string, unknown> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

/** The region and account {@link deployTime} resolves pseudo parameters to. */
export const REGION = 'eu-west-1';
export const ACCOUNT = '123456789012';
const arn = (service: string, resource: string, region = REGION) =>
  `arn:aws:${service}:${region}:${ACCOUNT}:${resource}`;

/**
 * What CloudFormation would return for each resource's `Ref` and the attributes the control plane
 * reads, in the shapes AWS gives them (generated names with mixed case where AWS keeps it, lower
 * case where the service forces it), keyed as {@link deployTime} expects.
 */
function deployedValues(resources: Record<string, Resource>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [id, resource] of Object.entries(resources)) {
    const set = (ref: string, attributes: Record<string, string> = {}) => {
      values[id] = ref;
      for (const [name, value] of Object.entries(attributes)) values[`${id}.${name}`] = value;
    };
    const generated = `Platform-${id.slice(0, 20)}-1A2B3C4D5E6F`;
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table':
        set(generated, { Arn: arn('dynamodb', `table/${generated}`) });
        break;
      case 'AWS::KMS::Key':
        set('1234abcd-12ab-34cd-56ef-1234567890ab', {
          Arn: arn('kms', `key/${id.toLowerCase()}-1234abcd-12ab-34cd-56ef`),
        });
        break;
      case 'AWS::SNS::Topic':
        set(arn('sns', generated), { TopicName: generated });
        break;
      case 'AWS::AutoScaling::AutoScalingGroup':
        set(generated);
        break;
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
        set(arn('elasticloadbalancing', 'loadbalancer/app/Platf-EdgeL-1A2B3C/50dc6c495c0c9188'), {
          LoadBalancerFullName: 'app/Platf-EdgeL-1A2B3C/50dc6c495c0c9188',
          DNSName: 'Platf-EdgeL-1A2B3C-123456789.eu-west-1.elb.amazonaws.com',
        });
        break;
      case 'AWS::ElasticLoadBalancingV2::TargetGroup': {
        const name = `Platf-${id.slice(-12, -4)}-${id.slice(-4)}`;
        set(arn('elasticloadbalancing', `targetgroup/${name}/73e2d6bc24d8a067`), {
          TargetGroupFullName: `targetgroup/${name}/73e2d6bc24d8a067`,
          TargetGroupName: name,
        });
        break;
      }
      case 'AWS::ElasticLoadBalancingV2::Listener':
        set(
          arn(
            'elasticloadbalancing',
            `listener/app/Platf-EdgeL-1A2B3C/50dc6c495c0c9188/${id.length}f3a1b2c3d4e5f6`,
          ),
        );
        break;
      case 'AWS::CloudWatch::Alarm':
        set(generated, { Arn: arn('cloudwatch', `alarm:${generated}`) });
        break;
      case 'AWS::ElastiCache::ReplicationGroup':
        // ElastiCache lower-cases generated ids and keeps them to 40 characters.
        set('pl1a2b3c4d5e6f7g8h9i', {
          'PrimaryEndPoint.Address': 'master.pl1a2b3c4d5e6f7g8h9i.abcdef.euw1.cache.amazonaws.com',
          'PrimaryEndPoint.Port': '6380',
        });
        break;
      case 'AWS::Route53::HealthCheck':
        set('abcdef01-2345-6789-abcd-ef0123456789', {
          HealthCheckId: 'abcdef01-2345-6789-abcd-ef0123456789',
        });
        break;
      case 'AWS::Lambda::Function':
        set(generated, { Arn: arn('lambda', `function:${generated}`) });
        break;
      case 'AWS::SecretsManager::Secret':
        set(arn('secretsmanager', `secret:${id}-AbCdEf`));
        break;
      case 'AWS::RDS::DBProxy':
        set(generated.toLowerCase(), {
          Endpoint: `${generated.toLowerCase()}.proxy-c1a2b3c4d5e6.eu-west-1.rds.amazonaws.com`,
          DBProxyArn: arn('rds', 'db-proxy:prx-0123456789abcdef0'),
        });
        break;
      case 'AWS::RDS::DBCluster':
        // RDS lower-cases generated identifiers.
        set(generated.toLowerCase(), {
          'Endpoint.Address': `${generated.toLowerCase()}.cluster-c1a2b3c4d5e6.eu-west-1.rds.amazonaws.com`,
          DBClusterResourceId: 'cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ',
        });
        break;
      case 'AWS::SQS::Queue':
        set(`https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${generated}`, { Arn: arn('sqs', generated) });
        break;
    }
  }
  return values;
}

/** One control function of the synthesised platform. */
export interface DeployedFunction {
  /** Its environment as the Lambda runtime would see it, every token resolved. */
  readonly env: Record<string, string>;
  /** The Allow statements of the policies on its role, resources resolved (unresolvable ones dropped). */
  readonly statements: readonly { actions: string[]; resources: string[] }[];
}

/**
 * The real PlatformStack with the default configuration, synthesised once: each control function
 * by its Powertools service name, every deploy-time value resolved.
 */
export function synthesisePlatform() {
  const config = loadPlatformConfig();
  const stack = new PlatformStack(testApp(), 'Platform', { config });
  const template = Template.fromStack(stack).toJSON() as { Resources: Record<string, Resource> };
  const resources = template.Resources;
  const refs = deployedValues(resources);
  const resolve = (value: unknown) => deployTime(value, refs);
  const tryResolve = (value: unknown) => {
    try {
      return [resolve(value)];
    } catch {
      return [];
    }
  };

  const functions: Record<string, DeployedFunction> = {};
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const variables = (resource.Properties?.Environment as { Variables?: Record<string, unknown> })
      ?.Variables;
    const service = variables?.POWERTOOLS_SERVICE_NAME;
    if (typeof service !== 'string') continue;
    const env = Object.fromEntries(Object.entries(variables!).map(([name, value]) => [name, resolve(value)]));
    const role = (resource.Properties!.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const statements = Object.values(resources)
      .filter((policy) => policy.Type === 'AWS::IAM::Policy')
      .filter((policy) => (policy.Properties!.Roles as { Ref: string }[]).some((r) => r.Ref === role))
      .flatMap((policy) => (policy.Properties!.PolicyDocument as { Statement: Statement[] }).Statement)
      .filter((statement) => statement.Effect === 'Allow')
      .map((statement) => ({
        actions: ([] as string[]).concat(statement.Action),
        resources: ([] as unknown[]).concat(statement.Resource).flatMap(tryResolve),
      }));
    functions[service] = { env: { ...env, AWS_REGION: REGION }, statements };
  }
  return { config, stack, resources, refs, resolve, functions };
}

/** IAM's wildcard matching (`*` any run of characters, `?` one), case-sensitive as for ARNs. */
export function iamMatches(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(value);
}

/** True when some statement allows `action` on `resource` (actions match case-insensitively, as IAM does). */
export function allows(fn: DeployedFunction, action: string, resource: string): boolean {
  return fn.statements.some(
    (statement) =>
      statement.actions.some((granted) => iamMatches(granted.toLowerCase(), action.toLowerCase())) &&
      statement.resources.some((granted) => iamMatches(granted, resource)),
  );
}
