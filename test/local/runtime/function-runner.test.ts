import { join } from 'node:path';
import { VirtualClock } from '../../../local/clock/virtual-clock';
import { Scheduler } from '../../../local/driver/scheduler';
import { FunctionRunner } from '../../../local/runtime/function-runner';
import { node24Binary } from '../../../local/runtime/node24';

// Spawns Node 24 processes: a cold start takes a moment on a loaded machine.
jest.setTimeout(30_000);

let runner: FunctionRunner;
let clock: VirtualClock;
let scheduler: Scheduler;

beforeEach(() => {
  clock = new VirtualClock(Date.UTC(2030, 0, 1));
  runner = new FunctionRunner(
    {
      node: node24Binary(),
      clock,
      region: 'eu-west-1',
      accountId: '111122223333',
      endpointUrl: 'http://127.0.0.1:9',
      routes: {},
      caFile: '/dev/null',
      xrayDaemonAddress: '127.0.0.1:9',
    },
    [
      {
        name: 'sleeper',
        arn: 'arn:aws:lambda:eu-west-1:111122223333:function:sleeper',
        codeDir: join(__dirname, 'fixtures', 'sleeper'),
        handler: 'index.handler',
        environment: { SECRET: 'from-the-template', AWS_REGION: 'us-west-2' },
        timeoutSeconds: 65,
        memoryMiB: 128,
        reservedConcurrency: 1,
        logGroupName: '/aws/lambda/sleeper',
      },
      {
        name: 'overlapper',
        arn: 'arn:aws:lambda:eu-west-1:111122223333:function:overlapper',
        codeDir: join(__dirname, 'fixtures', 'sleeper'),
        handler: 'index.handler',
        environment: {},
        timeoutSeconds: 125,
        memoryMiB: 128,
        reservedConcurrency: 4,
        logGroupName: '/aws/lambda/overlapper',
      },
    ],
  );
  scheduler = new Scheduler(clock, runner);
});

afterEach(() => runner.stop());

test("runs the handler under Node 24 with the environment, Lambda's own variables winning", async () => {
  const record = await runner.invoke('sleeper', {});
  expect(record.outcome).toMatchObject({
    status: 'succeeded',
    payload: { secret: 'from-the-template', region: 'eu-west-1' },
  });
  expect((record.outcome as { payload: { node: string } }).payload.node).toMatch(/^24\./);
});

test('six 10-second sleeps take a minute of virtual time and well under a second of real time each', async () => {
  const real = Date.now();
  const run = runner.invoke('sleeper', { rounds: 6 });
  await scheduler.runFor(1);
  const record = await run;
  expect(record.outcome).toMatchObject({ status: 'succeeded', payload: { elapsed: expect.any(Number) } });
  const { elapsed, remaining } = (record.outcome as { payload: { elapsed: number; remaining: number } })
    .payload;
  expect(elapsed).toBeGreaterThanOrEqual(60_000);
  expect(elapsed + remaining).toBeLessThanOrEqual(65_000);
  expect(Date.now() - real).toBeLessThan(elapsed);
});

test('a hung invocation times out at the function timeout on the virtual clock, as Lambda does', async () => {
  const run = runner.invoke('sleeper', { hang: true });
  await scheduler.runFor(1);
  const record = await run;
  expect(record.outcome).toEqual({
    status: 'failed',
    kind: 'timeout',
    error: {
      errorType: 'Sandbox.Timedout',
      errorMessage: `${record.requestId} Task timed out after 65.00 seconds`,
    },
  });
  expect(record.endedAt - record.startedAt).toBeGreaterThanOrEqual(65_000);
});

test('reports the function error, and throttles beyond the reserved concurrency', async () => {
  const first = runner.invoke('sleeper', { rounds: 1 });
  const second = await runner.invoke('sleeper', {});
  expect(second.outcome.status).toBe('throttled');
  await scheduler.runFor(1);
  await first;
  const failed = await runner.invoke('sleeper', { fail: 'no table' });
  expect(failed.outcome).toMatchObject({
    status: 'failed',
    kind: 'function',
    error: { errorType: 'TypeError', errorMessage: 'no table' },
  });
});

test('a run ends once what was in progress at its end has finished, though runs outlive their period', async () => {
  const start = clock.now();
  const records: { startedAt: number; endedAt: number }[] = [];
  runner.onInvocation((record) => records.push(record));
  // Every 30 s, an invocation of 90 s: at any moment one is running. Not driver work (which
  // holds the clock), but invocations, as the async invoker starts them.
  const schedule = scheduler.every(start, 30_000, 'overlapping', () => {
    void runner.invoke('overlapper', { rounds: 9 });
  });
  await scheduler.runFor(60_000);
  schedule.cancel();
  // Those started at 0, 30 and 60 s have ended (the last at 150 s); the one started at 90 s, still
  // running then, was not waited for.
  const elapsed = clock.now() - start;
  expect(elapsed).toBeGreaterThanOrEqual(150_000);
  expect(elapsed).toBeLessThan(180_000);
  expect(records.map((record) => Math.round((record.startedAt - start) / 1000))).toEqual([0, 30, 60]);
});
