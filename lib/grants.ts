import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ITopic } from 'aws-cdk-lib/aws-sns';

/**
 * The grants the control functions share, written out action by action. CDK's own
 * `grantEncryptDecrypt` and `grantPublish` give `kms:GenerateDataKey*` and `kms:ReEncrypt*`:
 * wildcards the functions never need.
 */

/** What DynamoDB calls on a customer-managed key for a reader and writer of a table. */
export const TABLE_KEY_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'];

/** `actions` on the table's items (never its indexes), and the table key's encrypt/decrypt. */
export function grantTableItems(grantee: IGrantable, table: ITable, actions: readonly string[]): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions: [...actions], resources: [table.tableArn] }),
  );
  table.encryptionKey?.grant(grantee, ...TABLE_KEY_ACTIONS);
}

/** `sns:Publish` on the topics, and what SNS needs from their keys to encrypt the message. */
export function grantPublish(grantee: IGrantable, topics: readonly ITopic[]): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['sns:Publish'], resources: topics.map((topic) => topic.topicArn) }),
  );
  for (const key of new Set(topics.map((topic) => topic.masterKey))) {
    key?.grant(grantee, 'kms:Decrypt', 'kms:GenerateDataKey');
  }
}
