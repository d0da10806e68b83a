import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { lambdaInvoker, type RegionInvoker, regionCommands } from '../../../bin/commands/region';
import { decideRegion } from '../../../functions/core/failover/region/decide';
import { initialRegionState } from '../../../functions/core/failover/region/types';
import type { RegionResponse } from '../../../functions/handlers/region-failover/handler';
import { InputError } from '../../../functions/shared/errors';
import {
  observation,
  PRIMARY,
  primaryDown,
  settings,
  T0,
} from '../../functions/core/failover/region/fixtures';
import { aRunRecord } from '../../support/run-record';

function capture() {
  const out: string[] = [];
  return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t) }, out };
}
const drill = decideRegion(
  initialRegionState(PRIMARY, T0),
  { kind: 'command', command: 'drill', confirm: false, reason: 'game day', requestedBy: 'cli:sre' },
  observation(T0),
  settings,
  T0,
);
const answer = (response: RegionResponse) => {
  const events: object[] = [];
  const invoke: RegionInvoker = async (_name, _region, event) => {
    events.push(event);
    return response;
  };
  const commands = Object.fromEntries(regionCommands(invoke).map((command) => [command.name, command]));
  return { commands, events };
};
const target = { function: 'misybot-geo-ha-standby-RegionFailover', region: 'eu-central-1' };

describe('misybot-ha region', () => {
  it('sends a drill as a dry run unless --execute, and prints the guards and the plan', async () => {
    const { commands, events } = answer({
      ok: true,
      record: aRunRecord({ fn: 'region-failover' }),
      status: 'dry-run',
      decision: drill,
      state: drill.state,
    });
    const { io, out } = capture();
    expect(
      await commands.drill!.run({ values: { ...target, reason: 'game day' }, positionals: [] }, io),
    ).toBe(0);
    expect(events).toEqual([
      {
        kind: 'command',
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        command: 'drill',
        execute: false,
        confirm: false,
        reason: 'game day',
        requestedBy: expect.stringMatching(/^cli:/),
      },
    ]);
    const text = out.join('');
    expect(text).toMatch(/^dry-run: start \(drill eu-west-1 → eu-central-1\)/);
    expect(text).toContain('  ok   standby-health');
    expect(text).toContain('  2. switch the global database over to eu-central-1 (no data loss)');
  });

  it('exits 1 when the engine needs a human, and names the failed guard', async () => {
    const refused = decideRegion(
      initialRegionState(PRIMARY, T0),
      { kind: 'command', command: 'failover', confirm: false, reason: 'outage', requestedBy: 'cli:sre' },
      primaryDown(T0, { rpoLagSeconds: undefined }),
      settings,
      T0,
    );
    const { commands } = answer({
      ok: true,
      record: aRunRecord({ fn: 'region-failover' }),
      status: 'decided',
      decision: refused,
      state: refused.state,
    });
    const { io, out } = capture();
    expect(
      await commands.failover!.run(
        { values: { ...target, reason: 'outage', execute: true }, positionals: [] },
        io,
      ),
    ).toBe(1);
    expect(out.join('')).toContain('  FAIL rpo-lag');
  });

  it('refuses --confirm on a planned operation and a missing reason or region', async () => {
    const { commands } = answer({ ok: true, record: aRunRecord({ fn: 'region-failover' }), status: 'busy' });
    const run = (name: string, values: Record<string, string | boolean>) =>
      commands[name]!.run({ values, positionals: [] }, capture().io);
    await expect(run('switchover', { ...target, reason: 'maintenance', confirm: true })).rejects.toThrow(
      new InputError(
        '--confirm: only an unplanned failover can be confirmed past its guards, not switchover',
      ),
    );
    await expect(run('drill', target)).rejects.toThrow('--reason: say why, in a few words');
    await expect(run('status', { function: 'f', region: 'Frankfurt' })).rejects.toThrow(
      /--region: .*got "Frankfurt"/,
    );
  });

  it('passes an operator id through, so a retried command runs once, and checks its form', async () => {
    const { commands, events } = answer({
      ok: true,
      record: aRunRecord({ fn: 'region-failover' }),
      status: 'duplicate',
    });
    const values = { ...target, reason: 'maintenance', id: 'change-4711' };
    expect(await commands.switchover!.run({ values, positionals: [] }, capture().io)).toBe(0);
    expect(events[0]).toMatchObject({ id: 'change-4711', command: 'switchover' });
    await expect(
      commands.switchover!.run({ values: { ...values, id: 'x' }, positionals: [] }, capture().io),
    ).rejects.toThrow('--id: 8-64 letters, digits, - or _, got "x"');
  });

  it('invokes the function synchronously with the event as its payload', async () => {
    const lambda = mockClient(LambdaClient);
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: new TextEncoder().encode('{"ok":true,"status":"busy"}') as never,
    });
    await expect(lambdaInvoker('fn', 'eu-central-1', { kind: 'status', id: 'abc12345' })).resolves.toEqual({
      ok: true,
      status: 'busy',
    });
    const input = lambda.commandCalls(InvokeCommand)[0]!.args[0].input;
    expect(input.FunctionName).toBe('fn');
    expect(JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array))).toEqual({
      kind: 'status',
      id: 'abc12345',
    });
    lambda.restore();
  });

  it('reports a failed function without its stack', async () => {
    const lambda = mockClient(LambdaClient);
    lambda.on(InvokeCommand).resolves({
      FunctionError: 'Unhandled',
      Payload: new TextEncoder().encode('{"errorMessage":"boom"}') as never,
    });
    await expect(lambdaInvoker('fn', 'eu-central-1', {})).rejects.toThrow(
      /the region failover function failed \(Unhandled\)/,
    );
    lambda.restore();
  });
});
