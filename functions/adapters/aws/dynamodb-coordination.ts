import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Lock } from '../../core/coordination';
import { isConditionFailed } from './condition-failed';

/**
 * Leases in the state table. A conditional write: DynamoDB evaluates the condition and the write
 * atomically, so two concurrent runs cannot both win. Items carry `expiresAt` (epoch seconds) for
 * the table's TTL; the lease check itself uses the millisecond `leaseUntil`, because TTL deletion
 * can lag by days.
 */
export class DynamoDbLock implements Lock {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async acquire(name: string, owner: string, leaseMs: number, now: number): Promise<boolean> {
    const leaseUntil = now + leaseMs;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: `LOCK#${name}`,
            sk: 'LOCK',
            owner,
            leaseUntil,
            expiresAt: Math.ceil(leaseUntil / 1000) + 3600,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now OR #owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':now': now, ':owner': owner },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  async release(name: string, owner: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: `LOCK#${name}`, sk: 'LOCK' },
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }
}
