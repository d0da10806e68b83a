import { randomBytes, randomUUID } from 'node:crypto';
import type { Provisioned, ProvisionRequest, ResourceProvisioner } from '../deployment';

const str = (value: unknown) => (value === undefined ? undefined : String(value));
const shortId = (length = 10) => randomBytes(length).toString('hex').slice(0, length);

type Namer = (request: ProvisionRequest) => Provisioned;

/** A resource known by name and ARN only: `arn` builds the ARN from the name. */
function named(
  nameProperty: string | undefined,
  arn: (name: string, request: ProvisionRequest) => string,
): Namer {
  return (request) => {
    const name = str(nameProperty && request.properties[nameProperty]) ?? request.generatedName(64);
    const built = arn(name, request);
    return { physicalId: name, attributes: { Arn: built }, emulated: false };
  };
}

const at = (service: string, resource: string) => (name: string, r: ProvisionRequest) =>
  `arn:aws:${service}:${r.region}:${r.accountId}:${resource}${name}`;
const global = (service: string, resource: string) => (name: string, r: ProvisionRequest) =>
  `arn:aws:${service}::${r.accountId}:${resource}${name}`;

/**
 * Resources the control plane never calls, or calls only through the emulator's own machinery
 * (functions, rules and subscriptions are run by the driver): they get CloudFormation's physical
 * ids and the attributes other resources reference, and nothing is created in moto.
 */
const namers: Readonly<Record<string, Namer>> = {
  'AWS::Lambda::Function': named('FunctionName', at('lambda', 'function:')),
  'AWS::Events::Rule': named('Name', at('events', 'rule/')),
  'AWS::IAM::Role': (request) => {
    const name = str(request.properties.RoleName) ?? request.generatedName(64);
    return {
      physicalId: name,
      attributes: { Arn: global('iam', 'role/')(name, request), RoleId: `AROA${shortId(17).toUpperCase()}` },
      emulated: false,
    };
  },
  'AWS::IAM::InstanceProfile': named('InstanceProfileName', global('iam', 'instance-profile/')),
  'AWS::IAM::ManagedPolicy': (request) => {
    const name = str(request.properties.ManagedPolicyName) ?? request.generatedName(128);
    const arn = global('iam', 'policy/')(name, request);
    return { physicalId: arn, attributes: { PolicyArn: arn }, emulated: false };
  },
  'AWS::KMS::Key': (request) => {
    const id = randomUUID();
    return {
      physicalId: id,
      attributes: { Arn: at('kms', 'key/')(id, request), KeyId: id },
      emulated: false,
    };
  },
  'AWS::Logs::LogGroup': named('LogGroupName', (name, r) => `${at('logs', 'log-group:')(name, r)}:*`),
  'AWS::S3::Bucket': (request) => {
    const name = (str(request.properties.BucketName) ?? request.generatedName(63)).toLowerCase();
    return {
      physicalId: name,
      attributes: {
        Arn: `arn:aws:s3:::${name}`,
        DomainName: `${name}.s3.amazonaws.com`,
        RegionalDomainName: `${name}.s3.${request.region}.amazonaws.com`,
      },
      emulated: false,
    };
  },
  'AWS::SNS::Subscription': (request) => ({
    physicalId: `${str(request.properties.TopicArn)}:${randomUUID()}`,
    emulated: false,
  }),
  'AWS::ApiGateway::RestApi': () => ({
    physicalId: shortId(),
    attributes: { RootResourceId: shortId() },
    emulated: false,
  }),
  'AWS::ApiGateway::Resource': () => ({
    physicalId: shortId(6),
    attributes: { ResourceId: shortId(6) },
    emulated: false,
  }),
  'AWS::ApiGateway::Stage': (request) => ({
    physicalId: str(request.properties.StageName) ?? 'prod',
    emulated: false,
  }),
  'AWS::RDS::DBProxyTargetGroup': (request) => ({
    physicalId: at('rds', 'target-group:prx-tg-')(shortId(17), request),
    attributes: { TargetGroupArn: at('rds', 'target-group:prx-tg-')(shortId(17), request) },
    emulated: false,
  }),
};

/** Names a resource of a type the emulator has nothing for; it has no attributes to reference. */
export const namedOnly: ResourceProvisioner = async (request) => ({
  physicalId: request.generatedName(64),
  emulated: false,
});

/**
 * The resources deployed by name only, by type: those with ARNs and attributes, and those the
 * driver reads from the deployment (invoke configs, API methods, DNS records).
 */
export const namedOnlyProvisioners: Readonly<Record<string, ResourceProvisioner>> = {
  ...Object.fromEntries(
    Object.entries(namers).map(([type, namer]) => [
      type,
      async (request: ProvisionRequest) => namer(request),
    ]),
  ),
  'AWS::Lambda::EventInvokeConfig': namedOnly,
  'AWS::ApiGateway::Method': namedOnly,
  'AWS::ApiGateway::GatewayResponse': namedOnly,
  'AWS::ApiGateway::Model': namedOnly,
  'AWS::ApiGateway::RequestValidator': namedOnly,
  'AWS::Route53::RecordSet': namedOnly,
};
