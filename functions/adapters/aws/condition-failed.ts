import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/**
 * Whether DynamoDB refused a write because its condition did not hold. The stores ask here
 * rather than importing the exception themselves: a bundle gives each module that imports from
 * the DynamoDB client package its own copy of the package's ~500 exports (esbuild's CommonJS
 * interop), which a cold start pays for once per importing module.
 */
export function isConditionFailed(error: unknown): error is ConditionalCheckFailedException {
  return error instanceof ConditionalCheckFailedException;
}
