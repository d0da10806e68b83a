import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry, AuditLog, AuditOutcome } from '../../../core/admin/ports';

/** Audit records are kept this long. @default 1 year */
const RETENTION_SECONDS = 366 * 86_400;

/**
 * The audit trail in the state table (see `lib/control-plane/state-table.ts`): one item per change,
 * `pk = AUDIT#<yyyy-mm-dd>`, `sk = <iso time>#<request id>`, projected into `gsi1` (`AUDIT` /
 * `<iso time>`) for "latest changes". The item is written with `result: pending` before the
 * change and completed after, so a change whose function died mid-way still has a record.
 */
export class DynamoDbAuditLog implements AuditLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async begin(entry: AuditEntry): Promise<void> {
    const at = new Date(entry.at).toISOString();
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...key(entry),
          gsi1pk: 'AUDIT',
          gsi1sk: at,
          id: entry.id,
          at,
          actor: entry.actor,
          action: entry.action,
          target: entry.target,
          reason: entry.reason,
          request: JSON.parse(JSON.stringify(entry.request ?? null)),
          ...(entry.idempotencyKey === undefined ? {} : { idempotencyKey: entry.idempotencyKey }),
          result: 'pending',
          expiresAt: Math.ceil(entry.at / 1000) + RETENTION_SECONDS,
        },
        // A request id is unique; a second begin means a bug, not a retry to absorb.
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async finish(entry: AuditEntry, outcome: AuditOutcome): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key(entry),
        UpdateExpression:
          'SET #result = :result, #status = :status, detail = :detail, finishedAt = :finishedAt',
        ExpressionAttributeNames: { '#result': 'result', '#status': 'status' },
        ExpressionAttributeValues: {
          ':result': outcome.result,
          ':status': outcome.status,
          ':detail': outcome.detail.slice(0, 2000),
          ':finishedAt': new Date(outcome.finishedAt).toISOString(),
        },
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }
}

function key(entry: AuditEntry) {
  const at = new Date(entry.at).toISOString();
  return { pk: `AUDIT#${at.slice(0, 10)}`, sk: `${at}#${entry.id}` };
}
