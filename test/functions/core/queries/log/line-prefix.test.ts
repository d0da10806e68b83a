import { compileLinePrefix, LogPrefixError } from '../../../../../functions/core/queries/log/line-prefix';

describe('compileLinePrefix', () => {
  it('reads the RDS default prefix %t:%r:%u@%d:[%p]:', () => {
    const prefix = compileLinePrefix('%t:%r:%u@%d:[%p]:');
    const record = prefix.match(
      '2024-03-01 10:00:00 UTC:10.0.0.7(51234):app_user@orders:[4242]:LOG:  duration: 1.5 ms  statement: SELECT 1',
      7,
    );
    expect(record).toEqual({
      line: 7,
      severity: 'LOG',
      message: 'duration: 1.5 ms  statement: SELECT 1',
      timestamp: '2024-03-01 10:00:00 UTC',
      user: 'app_user',
      database: 'orders',
      pid: '4242',
    });
  });

  it('reads background-process lines whose session fields are empty', () => {
    const prefix = compileLinePrefix('%t:%r:%u@%d:[%p]:');
    const record = prefix.match('2024-03-01 10:00:00 UTC::@:[77]:LOG:  checkpoint starting: time', 1);
    expect(record).toMatchObject({ severity: 'LOG', pid: '77', message: 'checkpoint starting: time' });
    expect(record?.user).toBeUndefined();
  });

  it("reads pgBadger's recommended prefix with application and client", () => {
    const prefix = compileLinePrefix('%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ');
    const record = prefix.match(
      '2024-03-01 10:00:00 UTC [123]: [5-1] user=bob,db=shop,app=psql,client=10.1.1.1 ERROR:  boom',
      3,
    );
    expect(record).toMatchObject({
      severity: 'ERROR',
      user: 'bob',
      database: 'shop',
      application: 'psql',
      pid: '123',
    });
  });

  it('treats everything after %q as optional and honours %% and padding', () => {
    const prefix = compileLinePrefix('%m [%p] 100%% %q%-10u@%d ');
    expect(prefix.match('2024-03-01 10:00:00.123 UTC [9] 100% LOG:  started', 1)).toMatchObject({
      timestamp: '2024-03-01 10:00:00.123 UTC',
      message: 'started',
    });
    expect(prefix.match('2024-03-01 10:00:00.123 UTC [9] 100% bob       @shop LOG:  x', 2)).toMatchObject({
      user: 'bob',
      database: 'shop',
    });
  });

  it('does not match a line that lacks the prefix or the severity', () => {
    const prefix = compileLinePrefix('%t:%r:%u@%d:[%p]:');
    expect(prefix.match('2024-03-01 10:00:00 UTC:10.0.0.7(5', 1)).toBeUndefined();
    expect(prefix.match('random text', 1)).toBeUndefined();
  });

  it('rejects escapes Postgres does not define', () => {
    expect(() => compileLinePrefix('%t %z ')).toThrow(LogPrefixError);
    expect(() => compileLinePrefix('%t %')).toThrow(/lone %/);
  });
});
