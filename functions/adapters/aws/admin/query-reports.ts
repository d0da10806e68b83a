import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { QueryReports } from '../../../core/admin/ports';
import { queriesPartition } from '../query-report-store';

/**
 * The slow-query function's latest report, read where `DynamoDbQueryReportStore` writes it:
 * `QUERIES#<cluster>` / `REPORT#LATEST`, plain attributes.
 */
export class DynamoDbQueryReports implements QueryReports {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clusterIdentifier: string,
  ) {}

  async latest(): Promise<Readonly<Record<string, unknown>> | undefined> {
    const { Item: item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: queriesPartition(this.clusterIdentifier), sk: 'REPORT#LATEST' },
      }),
    );
    if (!item) return undefined;
    const { pk: _pk, sk: _sk, ...report } = item;
    return report;
  }
}
