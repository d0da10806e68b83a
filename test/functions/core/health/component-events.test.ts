import {
  type ComponentHealthChanged,
  type ComponentStatusRecord,
  type ComponentStatusStore,
  publishComponentChanges,
} from '../../../../functions/core/health/component-events';
import { componentHealth } from './check-fixtures';

class MemoryStatuses implements ComponentStatusStore {
  readonly items = new Map<string, ComponentStatusRecord>();
  loseNext = false;

  async load(components: readonly string[]) {
    return new Map(components.flatMap((c) => (this.items.has(c) ? [[c, this.items.get(c)!] as const] : [])));
  }

  async save(record: Omit<ComponentStatusRecord, 'version'>, expectedVersion: number | undefined) {
    if (this.loseNext) {
      this.loseNext = false;
      return false;
    }
    if (this.items.get(record.component)?.version !== expectedVersion) return false;
    this.items.set(record.component, { ...record, version: (expectedVersion ?? 0) + 1 });
    return true;
  }
}

class MemoryBus {
  readonly published: ComponentHealthChanged[] = [];
  fail = false;

  async publish(events: readonly ComponentHealthChanged[]) {
    if (this.fail) throw new Error('PutEvents unavailable');
    this.published.push(...events);
  }
}

const T0 = Date.UTC(2026, 0, 1);

function setup() {
  const componentStatuses = new MemoryStatuses();
  const events = new MemoryBus();
  return { componentStatuses, events, deps: { componentStatuses, events } };
}

describe('publishComponentChanges', () => {
  it('publishes a first known status as a change from unknown, with the checks', async () => {
    const { deps, events } = setup();
    const report = await publishComponentChanges(deps, [componentHealth('api', 'down')], T0);
    expect(report.errors).toEqual([]);
    expect(events.published).toEqual([
      {
        component: 'api',
        status: 'down',
        previous: 'unknown',
        at: '2026-01-01T00:00:00.000Z',
        checks: [{ id: 'api-check', status: 'unhealthy' }],
      },
    ]);
  });

  it('publishes each change once: the same status again, or a duplicate run, publishes nothing', async () => {
    const { deps, events } = setup();
    await publishComponentChanges(deps, [componentHealth('api', 'healthy')], T0);
    await publishComponentChanges(deps, [componentHealth('api', 'healthy')], T0 + 10_000);
    await publishComponentChanges(deps, [componentHealth('api', 'degraded')], T0 + 20_000);
    expect(events.published.map((e) => [e.previous, e.status])).toEqual([
      ['unknown', 'healthy'],
      ['healthy', 'degraded'],
    ]);
  });

  it('leaves a change to the invocation that won the conditional write', async () => {
    const { deps, events, componentStatuses } = setup();
    componentStatuses.loseNext = true;
    const report = await publishComponentChanges(deps, [componentHealth('api', 'down')], T0);
    expect(report).toEqual({ published: [], errors: [] });
    expect(events.published).toEqual([]);
  });

  it('puts the status back when publishing fails, so the next round publishes the change', async () => {
    const { deps, events, componentStatuses } = setup();
    await publishComponentChanges(deps, [componentHealth('api', 'healthy')], T0);
    events.fail = true;
    const failed = await publishComponentChanges(deps, [componentHealth('api', 'down')], T0 + 10_000);
    expect(failed.errors).toEqual(['component events not published: PutEvents unavailable']);
    expect(componentStatuses.items.get('api')?.status).toBe('healthy');
    events.fail = false;
    await publishComponentChanges(deps, [componentHealth('api', 'down')], T0 + 20_000);
    expect(events.published.map((e) => [e.previous, e.status])).toEqual([
      ['unknown', 'healthy'],
      ['healthy', 'down'],
    ]);
  });

  it('reports a store that cannot be read without throwing', async () => {
    const { deps } = setup();
    deps.componentStatuses.load = async () => {
      throw new Error('throttled');
    };
    expect(await publishComponentChanges(deps, [componentHealth('api', 'down')], T0)).toEqual({
      published: [],
      errors: ['component statuses not read: throttled'],
    });
  });
});
