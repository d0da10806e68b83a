import {
  DescribeDBLogFilesCommand,
  type DescribeDBLogFilesCommandInput,
  type DescribeDBLogFilesCommandOutput,
  DownloadDBLogFilePortionCommand,
  type DownloadDBLogFilePortionCommandOutput,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { LogChunk, LogFileInfo, LogFileSource } from '../../core/queries/log/log-source-port';
import { isThrottlingError } from './throttling';

/** Reading RDS log files failed after the SDK's own retries. */
export class RdsLogReadError extends Error {
  override readonly name = 'RdsLogReadError';

  constructor(
    message: string,
    /** The marker to resume from: everything before it was delivered. */
    readonly resumeMarker: string | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Options for {@link RdsLogSource}. */
export interface RdsLogSourceOptions {
  /** Only files whose name contains this (e.g. `postgresql.log` or `.csv`). */
  readonly filenameContains?: string;
  /** Lines per DownloadDBLogFilePortion call; RDS caps a portion at 1 MB anyway. Default 10,000. */
  readonly linesPerPortion?: number;
}

function describe(error: unknown, action: string, marker: string | undefined): RdsLogReadError {
  const name = (error as { name?: string }).name ?? 'Error';
  const resume = marker === undefined ? '' : ` (resume from marker ${marker})`;
  const reason = isThrottlingError(error)
    ? 'RDS kept throttling the API after the SDK retries; try again later or read fewer files per run'
    : `${name}: ${(error as Error).message}`;
  return new RdsLogReadError(`${action} failed${resume}: ${reason}`, marker, { cause: error });
}

/**
 * RDS/Aurora log files through DescribeDBLogFiles and DownloadDBLogFilePortion: listed with
 * pagination, streamed portion by portion while `AdditionalDataPending`, each chunk with the
 * marker to persist so a later run resumes where this one stopped.
 */
export class RdsLogSource implements LogFileSource {
  constructor(
    private readonly client: RDSClient,
    private readonly instanceId: string,
    private readonly options: RdsLogSourceOptions = {},
  ) {}

  async listFiles(since?: number): Promise<LogFileInfo[]> {
    const files: LogFileInfo[] = [];
    let marker: string | undefined;
    do {
      const input: DescribeDBLogFilesCommandInput = {
        DBInstanceIdentifier: this.instanceId,
        ...(since === undefined ? {} : { FileLastWritten: since }),
        ...(this.options.filenameContains === undefined
          ? {}
          : { FilenameContains: this.options.filenameContains }),
        ...(marker === undefined ? {} : { Marker: marker }),
      };
      let page: DescribeDBLogFilesCommandOutput;
      try {
        page = await this.client.send(new DescribeDBLogFilesCommand(input));
      } catch (error) {
        throw describe(error, `DescribeDBLogFiles for ${this.instanceId}`, undefined);
      }
      for (const file of page.DescribeDBLogFiles ?? []) {
        if (file.LogFileName === undefined) continue;
        files.push({ name: file.LogFileName, lastWritten: file.LastWritten ?? 0, sizeBytes: file.Size ?? 0 });
      }
      marker = page.Marker;
    } while (marker);
    return files.sort((a, b) => a.lastWritten - b.lastWritten || a.name.localeCompare(b.name));
  }

  async *read(file: string, marker?: string): AsyncIterable<LogChunk> {
    // "0" is RDS's marker for the start of a file.
    let position = marker ?? '0';
    for (;;) {
      let portion: DownloadDBLogFilePortionCommandOutput;
      try {
        portion = await this.client.send(
          new DownloadDBLogFilePortionCommand({
            DBInstanceIdentifier: this.instanceId,
            LogFileName: file,
            Marker: position,
            NumberOfLines: this.options.linesPerPortion ?? 10_000,
          }),
        );
      } catch (error) {
        throw describe(error, `DownloadDBLogFilePortion for ${file}`, position);
      }
      const next = portion.Marker ?? position;
      const data = portion.LogFileData ?? '';
      if (data.length > 0 || next !== position) yield { data, marker: next };
      // A portion that does not move the marker would loop forever: treat it as the end.
      if (!portion.AdditionalDataPending || next === position) return;
      position = next;
    }
  }
}
