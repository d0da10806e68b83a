import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  AnalysisReport,
  AnalysisState,
  QueryReportStore,
  SaveResult,
} from '../../core/queries/scheduled-analysis-ports';
import { decodeState, encodeState, fitReport } from './query-report-items';

/** Options for {@link DynamoDbQueryReportStore}. */
export interface QueryReportStoreOptions {
  /** Statements kept in the stored snapshot, busiest (by total time) first. @default 5000 (pg_stat_statements.max) */
  readonly maxSnapshotStatements?: number;
  /** Gzipped size budget of the state attribute. @default 300000 */
  readonly maxStateBytes?: number;
  /** JSON size budget of a report item. @default 350000 */
  readonly maxReportBytes?: number;
  /** How long report history is kept (TTL). @default 90 */
  readonly reportRetentionDays?: number;
}

const LATEST_SNAPSHOT = 'SNAPSHOT#LATEST';
const LATEST_REPORT = 'REPORT#LATEST';

/** The partition of one cluster's slow-query items. */
export function queriesPartition(cluster: string): string {
  return `QUERIES#${cluster}`;
}

/**
 * Slow-query snapshots and reports in the state table (`pk = QUERIES#<cluster>`):
 *
 * - `SNAPSHOT#LATEST`: the state the next run starts from (gzipped snapshot counters, baseline,
 *   remembered findings) and `warned`, the prerequisite warnings already sent. Capped to the
 *   busiest `maxSnapshotStatements` statements and to `maxStateBytes`; `statements` and
 *   `statementsTotal` say what was kept.
 * - `REPORT#<iso time>`: the report history, with `expiresAt` (TTL) and `gsi1pk = REPORT` so the
 *   admin API lists the latest reports of all clusters.
 * - `REPORT#LATEST`: the same report at a fixed key, for "show me the current state".
 *
 * DynamoDB items stop at 400 KB, so reports keep the first entries of each (worst-first) list and
 * shortened query texts when they must, flagged with `trimmed` and the full `counts`. Items are
 * written history first and state last: a failure in between leaves the previous state, so the
 * next run covers the longer interval rather than losing one.
 */
export class DynamoDbQueryReportStore implements QueryReportStore {
  private readonly limits: Required<QueryReportStoreOptions>;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: QueryReportStoreOptions = {},
  ) {
    this.limits = {
      maxSnapshotStatements: options.maxSnapshotStatements ?? 5000,
      maxStateBytes: options.maxStateBytes ?? 300_000,
      maxReportBytes: options.maxReportBytes ?? 350_000,
      reportRetentionDays: options.reportRetentionDays ?? 90,
    };
  }

  async load(cluster: string): Promise<AnalysisState> {
    const output = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: queriesPartition(cluster), sk: LATEST_SNAPSHOT },
        ConsistentRead: true,
      }),
    );
    const item = output.Item;
    if (!item) return {};
    const warned = Array.isArray(item.warned) ? (item.warned as string[]) : [];
    const state = item.state instanceof Uint8Array ? decodeState(item.state) : {};
    return { ...state, warned };
  }

  async save(
    cluster: string,
    state: Required<AnalysisState>,
    report: AnalysisReport,
    now: number,
  ): Promise<SaveResult> {
    const pk = queriesPartition(cluster);
    const at = new Date(now).toISOString();
    const { attributes, trimmed } = fitReport(report, this.limits.maxReportBytes);
    const encoded = encodeState(state, {
      maxStatements: this.limits.maxSnapshotStatements,
      maxBytes: this.limits.maxStateBytes,
    });
    await this.put({
      ...attributes,
      pk,
      sk: `REPORT#${at}`,
      gsi1pk: 'REPORT',
      gsi1sk: at,
      trimmed,
      expiresAt: Math.ceil(now / 1000) + this.limits.reportRetentionDays * 86_400,
    });
    await this.put({ ...attributes, pk, sk: LATEST_REPORT, reportedAt: at, trimmed });
    await this.put({
      pk,
      sk: LATEST_SNAPSHOT,
      takenAt: state.snapshot.takenAt,
      savedAt: at,
      statements: encoded.kept,
      statementsTotal: encoded.total,
      state: encoded.blob,
      warned: [...state.warned],
    });
    return { snapshotStatements: encoded.kept, totalStatements: encoded.total, reportTrimmed: trimmed };
  }

  async saveWarned(cluster: string, warned: readonly string[]): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: queriesPartition(cluster), sk: LATEST_SNAPSHOT },
        UpdateExpression: 'SET warned = :warned',
        ExpressionAttributeValues: { ':warned': [...warned] },
      }),
    );
  }

  private async put(item: Record<string, unknown>): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: item }));
  }
}
