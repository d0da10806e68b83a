import { DescribeDBLogFilesCommand, DownloadDBLogFilePortionCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { RdsLogReadError, RdsLogSource } from '../../../../functions/adapters/aws/rds-log-source';

const rds = mockClient(RDSClient);
beforeEach(() => rds.reset());

async function collect(iterable: AsyncIterable<{ data: string; marker: string }>) {
  const out: Array<{ data: string; marker: string }> = [];
  for await (const chunk of iterable) out.push(chunk);
  return out;
}

describe('RdsLogSource.listFiles', () => {
  it('pages through DescribeDBLogFiles by marker with the exact filters, oldest first', async () => {
    rds
      .on(DescribeDBLogFilesCommand, {
        DBInstanceIdentifier: 'db-1',
        FileLastWritten: 1000,
        FilenameContains: '.log',
      })
      .resolves({
        DescribeDBLogFiles: [{ LogFileName: 'b.log', LastWritten: 3000, Size: 20 }],
        Marker: 'page-2',
      })
      .on(DescribeDBLogFilesCommand, {
        DBInstanceIdentifier: 'db-1',
        FileLastWritten: 1000,
        FilenameContains: '.log',
        Marker: 'page-2',
      })
      .resolves({ DescribeDBLogFiles: [{ LogFileName: 'a.log', LastWritten: 2000, Size: 10 }] });
    const files = await new RdsLogSource(new RDSClient({}), 'db-1', { filenameContains: '.log' }).listFiles(
      1000,
    );
    expect(files).toEqual([
      { name: 'a.log', lastWritten: 2000, sizeBytes: 10 },
      { name: 'b.log', lastWritten: 3000, sizeBytes: 20 },
    ]);
    expect(rds.commandCalls(DescribeDBLogFilesCommand).map((c) => c.args[0].input)).toEqual([
      { DBInstanceIdentifier: 'db-1', FileLastWritten: 1000, FilenameContains: '.log' },
      { DBInstanceIdentifier: 'db-1', FileLastWritten: 1000, FilenameContains: '.log', Marker: 'page-2' },
    ]);
  });
});

describe('RdsLogSource.read', () => {
  it('downloads portions while AdditionalDataPending, yielding each with the marker to persist', async () => {
    rds
      .on(DownloadDBLogFilePortionCommand)
      .resolvesOnce({ LogFileData: 'line 1\n', Marker: '1:100', AdditionalDataPending: true })
      .resolvesOnce({ LogFileData: 'line 2\n', Marker: '1:200', AdditionalDataPending: false });
    const chunks = await collect(
      new RdsLogSource(new RDSClient({}), 'db-1', { linesPerPortion: 500 }).read('error/postgresql.log'),
    );
    expect(chunks).toEqual([
      { data: 'line 1\n', marker: '1:100' },
      { data: 'line 2\n', marker: '1:200' },
    ]);
    expect(rds.commandCalls(DownloadDBLogFilePortionCommand).map((c) => c.args[0].input)).toEqual([
      { DBInstanceIdentifier: 'db-1', LogFileName: 'error/postgresql.log', Marker: '0', NumberOfLines: 500 },
      {
        DBInstanceIdentifier: 'db-1',
        LogFileName: 'error/postgresql.log',
        Marker: '1:100',
        NumberOfLines: 500,
      },
    ]);
  });

  it('resumes from a persisted marker and stops when the marker does not move', async () => {
    rds
      .on(DownloadDBLogFilePortionCommand)
      .resolves({ LogFileData: '', Marker: '7:9', AdditionalDataPending: true });
    const chunks = await collect(new RdsLogSource(new RDSClient({}), 'db-1').read('f.log', '7:9'));
    expect(chunks).toEqual([]);
    expect(rds.commandCalls(DownloadDBLogFilePortionCommand)).toHaveLength(1);
    expect(rds.commandCalls(DownloadDBLogFilePortionCommand)[0]?.args[0].input.Marker).toBe('7:9');
  });

  it('surfaces throttling that outlasted the SDK retries with the marker to resume from', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    rds
      .on(DownloadDBLogFilePortionCommand)
      .resolvesOnce({ LogFileData: 'a\n', Marker: '1:1', AdditionalDataPending: true })
      .rejects(throttled);
    const source = new RdsLogSource(new RDSClient({}), 'db-1');
    const error = await collect(source.read('f.log')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RdsLogReadError);
    expect(error).toMatchObject({ resumeMarker: '1:1', cause: throttled });
    expect((error as Error).message).toMatch(
      /DownloadDBLogFilePortion for f\.log failed \(resume from marker 1:1\): RDS kept throttling/,
    );
  });

  it('names other API failures as they are', async () => {
    rds
      .on(DescribeDBLogFilesCommand)
      .rejects(Object.assign(new Error('no such instance'), { name: 'DBInstanceNotFoundFault' }));
    await expect(new RdsLogSource(new RDSClient({}), 'nope').listFiles()).rejects.toThrow(
      'DescribeDBLogFiles for nope failed: DBInstanceNotFoundFault: no such instance',
    );
  });
});
