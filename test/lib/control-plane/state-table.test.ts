import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { StateTable, type StateTableProps } from '../../../lib/control-plane/state-table';
import { testStack } from '../../support/cdk';

function build(props?: StateTableProps) {
  const stack = testStack();
  const state = new StateTable(stack, 'State', props);
  return { stack, state, template: Template.fromStack(stack) };
}

describe('StateTable', () => {
  test('keys on pk/sk strings with on-demand billing', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ]),
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  test('encrypts with its own rotating KMS key, keeps point-in-time recovery and expires on expiresAt', () => {
    const { stack, state, template } = build();
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: stack.resolve(state.key.keyArn) },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  test('has a sparse gsi1 on gsi1pk/gsi1sk for listing by type and time', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
  });

  test('is deletion-protected and retained by default', () => {
    const { template } = build();
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('deletion protection can be switched off, and then the table may be destroyed with the stack', () => {
    const { template } = build({ deletionProtection: false, removalPolicy: RemovalPolicy.DESTROY });
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
      DeletionPolicy: 'Delete',
    });
  });

  test('rejects DESTROY while deletion protection is on', () => {
    expect(() => build({ removalPolicy: RemovalPolicy.DESTROY })).toThrow(
      /cannot use removalPolicy DESTROY while deletionProtection is on/,
    );
  });
});
