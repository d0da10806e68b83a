import { monitorDependencies } from '../../../services/chat-demo/src/dependency-monitor';

const never = () => new Promise(() => undefined);

describe('monitorDependencies', () => {
  test('reports each dependency up with its latency, or down, after the first round', async () => {
    const monitor = monitorDependencies(
      {
        cache: async () => 'PONG',
        database: async () => Promise.reject(new Error('ECONNREFUSED 10.0.0.5:5432')),
      },
      { intervalMs: 60_000 },
    );
    await monitor.ready;
    expect(monitor.states()).toEqual({
      cache: { status: 'up', latencyMs: expect.any(Number) },
      database: { status: 'down' },
    });
    monitor.stop();
  });

  test('counts a probe that does not answer within the timeout as down', async () => {
    const monitor = monitorDependencies({ database: never }, { intervalMs: 60_000, timeoutMs: 50 });
    await monitor.ready;
    expect(monitor.states()).toEqual({ database: { status: 'down' } });
    monitor.stop();
  });

  test('answers at once from the last round while a slow round is still probing', async () => {
    let calls = 0;
    const monitor = monitorDependencies(
      { cache: () => (++calls === 1 ? Promise.resolve() : never()) },
      { intervalMs: 10, timeoutMs: 5_000 },
    );
    await monitor.ready;
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The second round hangs on its probe; the state is the first round's, and reading it waits for nothing.
    expect(calls).toBe(2);
    expect(monitor.states()).toEqual({ cache: { status: 'up', latencyMs: expect.any(Number) } });
    monitor.stop();
  });

  test('sees a dependency that went down on the next round', async () => {
    let up = true;
    const monitor = monitorDependencies(
      { cache: () => (up ? Promise.resolve() : Promise.reject(new Error('gone'))) },
      { intervalMs: 10 },
    );
    await monitor.ready;
    up = false;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(monitor.states()).toEqual({ cache: { status: 'down' } });
    monitor.stop();
  });
});
