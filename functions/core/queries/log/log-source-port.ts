/** A log file a source can stream. */
export interface LogFileInfo {
  readonly name: string;
  /** Epoch ms of the last write. */
  readonly lastWritten: number;
  readonly sizeBytes: number;
}

/** A piece of a log file and the position after it. */
export interface LogChunk {
  readonly data: string;
  /** Persist this to resume after this chunk. */
  readonly marker: string;
}

/**
 * Where Postgres log files come from (RDS/Aurora in production); implemented in
 * functions/adapters/aws/rds-log-source.ts.
 */
export interface LogFileSource {
  /** Files written at or after `since` (epoch ms), oldest first. */
  listFiles(since?: number): Promise<LogFileInfo[]>;
  /** Streams a file from `marker` (the start when omitted) to its current end. */
  read(file: string, marker?: string): AsyncIterable<LogChunk>;
}
