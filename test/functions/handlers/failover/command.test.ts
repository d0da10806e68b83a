import { parseFailoverCommand } from '../../../../functions/handlers/failover/command';
import { InputError } from '../../../../functions/shared/errors';
import { command } from './support';

function problems(input: unknown): string {
  try {
    parseFailoverCommand(input);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('the command was accepted');
}

describe('parseFailoverCommand', () => {
  test('turns a valid command into the engine event, keyed by the request id', () => {
    expect(parseFailoverCommand(command({ action: 'drill', component: 'cache', target: 'c-002' }))).toEqual({
      kind: 'command',
      id: 'command:req-1',
      component: 'cache',
      command: 'drill',
      dryRun: false,
      reason: 'writer AZ degraded',
      requestedBy: 'alice',
      target: 'c-002',
    });
  });

  test('is a dry run unless told otherwise', () => {
    const { dryRun: _omitted, ...rest } = command();
    expect(parseFailoverCommand(rest).dryRun).toBe(true);
  });

  test('trims the reason and the requester', () => {
    const event = parseFailoverCommand(command({ reason: '  drill  ', requestedBy: ' bob ' }));
    expect(event).toMatchObject({ reason: 'drill', requestedBy: 'bob' });
  });

  test.each([
    [{ component: 'queue' }, 'component: must be one of dns, database, cache, got "queue"'],
    [{ action: 'restart' }, 'action: must be one of failover, failback, drill, got "restart"'],
    [{ dryRun: 'no' }, 'dryRun: must be true or false, got "no"'],
    [{ reason: 'ok' }, 'reason: must hold 3 to 500 characters, got "ok"'],
    [{ reason: 'x'.repeat(501) }, 'reason: must hold 3 to 500 characters'],
    [{ reason: undefined }, 'reason: is required'],
    [{ requestedBy: '' }, 'requestedBy: must hold 1 to 200 characters'],
    [{ requestId: 'has spaces' }, 'requestId: must be 1 to 128 letters, digits or ._:@/- characters'],
    [{ requestId: undefined }, 'requestId: is required'],
    [{ target: 'db 2' }, 'target: must be an instance, node or record identifier'],
    [{ force: true }, 'unknown field "force"'],
  ])('refuses %j naming the field', (overrides, expected) => {
    expect(problems(command(overrides))).toContain(expected);
  });

  test('lists every problem at once', () => {
    const message = problems({ component: 'dns' });
    expect(message).toMatch(/^Invalid failover command:/);
    for (const field of ['action', 'reason', 'requestedBy', 'requestId'])
      expect(message).toContain(`${field}:`);
  });

  test('refuses something that is not an object', () => {
    expect(problems('failover please')).toContain('(root): expected object');
    expect(problems(null)).toContain('(root)');
  });
});
