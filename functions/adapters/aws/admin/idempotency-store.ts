import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { IdempotencyClaim, IdempotencyStore, StoredResponse } from '../../../core/admin/ports';

/** Options of {@link DynamoDbIdempotencyStore}. */
export interface IdempotencyOptions {
  /** How long a key is remembered. @default 86400 (24 h) */
  readonly retentionSeconds?: number;
  /** A pending claim older than this was abandoned (its function died) and may be taken over. @default 120 */
  readonly pendingLeaseSeconds?: number;
}

/**
 * `Idempotency-Key`s in the state table: `pk = IDEMPOTENCY#<sha256(caller, key)>`, `sk = KEY`,
 * with the request's fingerprint, `state` (`pending` → `done`) and the stored answer. Keys are
 * scoped to the caller (two operators may pick the same key) and hashed, so any ARN fits.
 */
export class DynamoDbIdempotencyStore implements IdempotencyStore {
  private readonly retentionSeconds: number;
  private readonly leaseMs: number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: IdempotencyOptions = {},
  ) {
    this.retentionSeconds = options.retentionSeconds ?? 86_400;
    this.leaseMs = (options.pendingLeaseSeconds ?? 120) * 1000;
  }

  async claim(scope: string, key: string, fingerprint: string, now: number): Promise<IdempotencyClaim> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...itemKey(scope, key),
            fingerprint,
            state: 'pending',
            leaseUntil: now + this.leaseMs,
            expiresAt: Math.ceil(now / 1000) + this.retentionSeconds,
          },
          // TTL deletion is lazy: an expired key counts as absent, and so does an abandoned claim.
          ConditionExpression:
            'attribute_not_exists(pk) OR expiresAt < :nowSeconds OR (#state = :pending AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':nowSeconds': Math.floor(now / 1000),
            ':pending': 'pending',
            ':now': now,
          },
        }),
      );
      return { kind: 'new' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const { Item: item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: itemKey(scope, key), ConsistentRead: true }),
    );
    // Deleted between the two calls: the claim was released; the caller may simply retry.
    if (!item) return { kind: 'in-progress' };
    if (item.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (item.state !== 'done') return { kind: 'in-progress' };
    return { kind: 'replay', response: item.response as StoredResponse };
  }

  async complete(scope: string, key: string, response: StoredResponse, now: number): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: itemKey(scope, key),
        UpdateExpression:
          'SET #state = :done, #response = :response, expiresAt = :expiresAt REMOVE leaseUntil',
        ExpressionAttributeNames: { '#state': 'state', '#response': 'response' },
        ExpressionAttributeValues: {
          ':done': 'done',
          ':response': JSON.parse(JSON.stringify(response)),
          ':expiresAt': Math.ceil(now / 1000) + this.retentionSeconds,
        },
      }),
    );
  }

  async release(scope: string, key: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: itemKey(scope, key) }));
  }
}

function itemKey(scope: string, key: string) {
  const digest = createHash('sha256').update(`${scope}\n${key}`).digest('hex');
  return { pk: `IDEMPOTENCY#${digest}`, sk: 'KEY' };
}
