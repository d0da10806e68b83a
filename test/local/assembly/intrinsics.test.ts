// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub strings are CloudFormation's, not JavaScript's.
import type { Template } from '../../../local/assembly/cloud-assembly';
import { IntrinsicResolver, UnsupportedIntrinsicError } from '../../../local/assembly/intrinsics';

const template: Template = {
  Resources: { Table: { Type: 'AWS::DynamoDB::Table' }, Fn: { Type: 'AWS::Lambda::Function' } },
  Parameters: { Stage: { Type: 'String', Default: 'dev' } },
  Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] } },
  Mappings: { Accounts: { 'us-east-1': { logs: '127311923021' } } },
};

function resolver() {
  return new IntrinsicResolver(template, {
    accountId: '111122223333',
    region: 'us-east-1',
    partition: 'aws',
    stackName: 'misybot-ha',
    stackId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/misybot-ha/1',
    ref: async (id) => `${id.toLowerCase()}-physical`,
    getAtt: async (id, attribute) => `${id}.${attribute}`,
    parameter: async (name) => template.Parameters?.[name]?.Default,
    importValue: async (name) => `imported:${name}`,
  });
}

describe('IntrinsicResolver', () => {
  test('resolves Ref, Fn::GetAtt and the pseudo parameters inside nested values', async () => {
    const value = await resolver().resolve({
      table: { Ref: 'Table' },
      arn: { 'Fn::GetAtt': ['Fn', 'Arn'] },
      where: [{ Ref: 'AWS::Region' }, { Ref: 'AWS::AccountId' }, { Ref: 'AWS::Partition' }],
    });
    expect(value).toEqual({
      table: 'table-physical',
      arn: 'Fn.Arn',
      where: ['us-east-1', '111122223333', 'aws'],
    });
  });

  test('joins, splits, selects and substitutes, keeping ${!literal} as written', async () => {
    const r = resolver();
    expect(await r.resolve({ 'Fn::Join': [':', ['a', { Ref: 'Table' }]] })).toBe('a:table-physical');
    expect(await r.resolve({ 'Fn::Select': [1, { 'Fn::Split': [',', 'x,y,z'] }] })).toBe('y');
    expect(await r.resolve({ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Table}/${Fn.Arn}/${!Literal}' })).toBe(
      'arn:aws:s3:::table-physical/Fn.Arn/${Literal}',
    );
    expect(await r.resolve({ 'Fn::Sub': ['${Name}-${AWS::StackName}', { Name: 'n' }] })).toBe('n-misybot-ha');
  });

  test('evaluates conditions with parameter defaults, and AWS::NoValue removes the property', async () => {
    const value = await resolver().resolve({
      Name: { 'Fn::If': ['IsProd', 'prod-table', { Ref: 'AWS::NoValue' }] },
      Tags: [{ 'Fn::If': ['IsProd', 'x', { Ref: 'AWS::NoValue' }] }, 'kept'],
    });
    expect(value).toEqual({ Tags: ['kept'] });
  });

  test('reads mappings and imports', async () => {
    const r = resolver();
    expect(await r.resolve({ 'Fn::FindInMap': ['Accounts', { Ref: 'AWS::Region' }, 'logs'] })).toBe(
      '127311923021',
    );
    expect(await r.resolve({ 'Fn::ImportValue': 'shared-vpc' })).toBe('imported:shared-vpc');
  });

  test('names the intrinsic it cannot evaluate', async () => {
    await expect(resolver().resolve({ 'Fn::Transform': {} })).rejects.toThrow(UnsupportedIntrinsicError);
    await expect(resolver().resolve({ 'Fn::FindInMap': ['Accounts', 'eu-west-9', 'logs'] })).rejects.toThrow(
      'Fn::FindInMap: Accounts.eu-west-9.logs is not in the template',
    );
  });
});
