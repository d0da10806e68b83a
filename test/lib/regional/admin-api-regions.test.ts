import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { loadPlatformConfig } from '../../../functions/shared/config/load-file';
import { addPlatformStacks } from '../../../lib/regional/platform-app';
import { testApp } from '../../support/cdk';

const twoRegions = loadPlatformConfig(join(__dirname, '../../../config/two-regions.json'));
const oneRegion = loadPlatformConfig(join(__dirname, '../../../config/minimal.json'));

type Statement = { Action: string | string[]; Resource: unknown };
function adminFunction(template: Template) {
  const [logicalId, fn] = Object.entries(template.findResources('AWS::Lambda::Function')).find(
    ([, f]) => f.Properties.Description === 'MisyBot HA admin API',
  )!;
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const statements = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
  return {
    logicalId,
    environment: fn.Properties.Environment.Variables as Record<string, unknown>,
    statements,
  };
}
const resourcePaths = (template: Template) =>
  Object.values(template.findResources('AWS::ApiGateway::Resource')).map((r) => r.Properties.PathPart);
const methodsNamed = (template: Template, name: string) =>
  Object.values(template.findResources('AWS::ApiGateway::Method')).filter(
    (method) => method.Properties.OperationName === name,
  );

describe('admin API region routes in the CDK app', () => {
  const { primary, standby } = addPlatformStacks(testApp(), twoRegions);
  const template = Template.fromStack(primary);
  const standbyTemplate = Template.fromStack(standby!);
  const expectedArn = {
    'Fn::Join': [
      '',
      ['arn:aws:lambda:eu-central-1:', { Ref: 'AWS::AccountId' }, ':function:misybot-geo-ha-region-failover'],
    ],
  };

  it('deploys GET /regions and POST /regions/{operation} with IAM auth when regions is configured', () => {
    expect(resourcePaths(template)).toEqual(expect.arrayContaining(['regions', '{operation}']));
    const [get] = methodsNamed(template, 'getRegions');
    const [post] = methodsNamed(template, 'commandRegion');
    expect(get?.Properties).toMatchObject({ HttpMethod: 'GET', AuthorizationType: 'AWS_IAM' });
    expect(post?.Properties).toMatchObject({
      HttpMethod: 'POST',
      AuthorizationType: 'AWS_IAM',
      RequestParameters: { 'method.request.path.operation': true },
    });
  });

  it('names the standby function so the primary stack reaches it without a cross-region reference', () => {
    standbyTemplate.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'misybot-geo-ha-region-failover',
    });
    expect(adminFunction(template).environment.REGION_FUNCTION_ARN).toEqual(expectedArn);
  });

  it('lets the admin function invoke the region function and call no global action itself', () => {
    const { statements } = adminFunction(template);
    const invoke = statements.filter((s) => [s.Action].flat().includes('lambda:InvokeFunction'));
    expect(invoke).toHaveLength(1);
    expect(invoke[0]!.Resource).toEqual(expect.arrayContaining([expectedArn]));
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions.filter((a) => /Global|^rds:|^route53:|elasticache:/.test(a))).toEqual([]);
  });
});

describe('admin API without regions', () => {
  const { primary } = addPlatformStacks(testApp(), oneRegion);
  const template = Template.fromStack(primary);

  it('deploys no region route, no region function variable and no cross-region invoke', () => {
    expect(resourcePaths(template)).not.toContain('regions');
    expect(methodsNamed(template, 'commandRegion')).toEqual([]);
    const { environment, statements } = adminFunction(template);
    expect(environment.REGION_FUNCTION_ARN).toBeUndefined();
    expect(JSON.stringify(statements)).not.toContain('region-failover');
  });
});
