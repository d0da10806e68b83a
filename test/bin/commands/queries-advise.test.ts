import { queriesAdviseCommand, redactUrl } from '../../../bin/commands/queries-advise';
import { InputError } from '../../../functions/shared/errors';

const io = { stdout: () => undefined, stderr: () => undefined };
const run = (values: Record<string, string | boolean | undefined>) =>
  queriesAdviseCommand.run({ values, positionals: [] }, io);

describe('queries advise', () => {
  it('requires --database-url and validates the thresholds', async () => {
    await expect(run({})).rejects.toThrow(/--database-url URL is required/);
    await expect(run({ 'database-url': 'postgres://x@127.0.0.1/db', 'min-calls': '-1' })).rejects.toThrow(
      /--min-calls must be a non-negative number/,
    );
    await expect(run({ 'database-url': 'postgres://x@127.0.0.1/db', 'min-mean-ms': 'abc' })).rejects.toThrow(
      InputError,
    );
  });

  it('names the server it cannot reach without printing the password', async () => {
    const error = await run({ 'database-url': 'postgres://bob:s3cret@127.0.0.1:1/db' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(
      /cannot connect to postgres:\/\/bob:\*\*\*@127\.0\.0\.1:1\/db: .*check the URL/,
    );
    expect((error as Error).message).not.toContain('s3cret');
  });

  it('reads --log before connecting: a missing log or a bad format fails first, naming the flag', async () => {
    const url = 'postgres://bob:s3cret@127.0.0.1:1/db';
    await expect(run({ 'database-url': url, log: '/nonexistent/postgres.log' })).rejects.toThrow(
      /cannot read --log \/nonexistent\/postgres\.log/,
    );
    await expect(run({ 'database-url': url, log: __filename, format: 'xml' })).rejects.toThrow(
      /--format must be one of auto, stderr, csvlog, jsonlog/,
    );
    await expect(run({ 'database-url': url, log: '' })).rejects.toThrow(/--log needs a file/);
  });

  it('redacts passwords and survives unparsable URLs', () => {
    expect(redactUrl('postgres://u:p@h:5432/d')).toBe('postgres://u:***@h:5432/d');
    expect(redactUrl('not a url')).toBe('<unparsable URL>');
  });
});
