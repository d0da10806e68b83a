import {
  CacheConfigError,
  createCache,
  fromNodeRedis,
  MemoryRedis,
  type NodeRedisLike,
} from '@misybot-ha/cache';
import { decodeEnvelope } from '../../../packages/cache/src/envelope';
import { manualClock } from './clock';

function twoInstances(generationCacheMs: number) {
  const clock = manualClock();
  const client = new MemoryRedis({ now: clock.now });
  const reader = createCache({ client, now: clock.now, random: () => 0 }).namespace('users', {
    generationCacheMs,
  });
  const other = createCache({ client, now: clock.now, random: () => 0 }).namespace('users');
  return { clock, client, reader, other };
}

describe('generationCacheMs (opt-in)', () => {
  it('reads only the value while the generation is trusted, and sees another instance’s invalidation after at most that long', async () => {
    const { clock, client, reader, other } = twoInstances(1000);
    await other.set('k', 'v1');
    expect(await reader.get('k')).toBe('v1'); // confirms the generation
    const keysRead: string[][] = [];
    const mget = client.mget.bind(client);
    client.mget = (keys) => {
      keysRead.push([...keys]);
      return mget(keys);
    };
    await other.invalidate();
    clock.advance(999);
    expect(await reader.get('k')).toBe('v1'); // within the documented window: the old generation
    expect(keysRead).toEqual([['{users}:v:0:k']]);
    clock.advance(1);
    expect(await reader.get('k')).toBeUndefined();
    expect(keysRead[1]).toEqual(['{users}:g', '{users}:v:0:k']);
  });

  it('is off by default: every read checks the generation', async () => {
    const { reader, other } = twoInstances(0);
    await other.set('k', 'v1');
    expect(await reader.get('k')).toBe('v1');
    await other.invalidate();
    expect(await reader.get('k')).toBeUndefined();
  });

  it('makes the instance’s own invalidate and clear visible at once', async () => {
    const { reader } = twoInstances(60_000);
    await reader.set('k', 'v1');
    expect(await reader.get('k')).toBe('v1');
    await reader.invalidate();
    expect(await reader.get('k')).toBeUndefined();
    await reader.set('k', 'v2');
    await reader.clear();
    expect(await reader.get('k')).toBeUndefined();
  });

  it('is bounded, naming the option', () => {
    const { client } = twoInstances(0);
    expect(() => createCache({ client }).namespace('users', { generationCacheMs: 60_001 })).toThrow(
      new CacheConfigError('namespaces.users.generationCacheMs', '60001 is outside 0..60000'),
    );
  });
});

describe('small-value fast paths', () => {
  it('measures the compression threshold in UTF-8 bytes, not characters, and round-trips non-ASCII', async () => {
    const clock = manualClock();
    const client = new MemoryRedis({ now: clock.now });
    const ns = createCache({ client, now: clock.now }).namespace('t', {
      compression: { thresholdBytes: 40 },
    });
    const below = 'é'.repeat(18); // 38 bytes of JSON, 20 characters
    const above = 'é'.repeat(19); // 40 bytes of JSON, 21 characters
    await ns.set('below', below);
    await ns.set('above', above);
    expect(decodeEnvelope(client.data.get('{t}:v:0:below')!.value)).toMatchObject({ codec: 'none' });
    expect(decodeEnvelope(client.data.get('{t}:v:0:above')!.value)).toMatchObject({ codec: 'gzip' });
    expect(await ns.get('below')).toBe(below);
    expect(await ns.get('above')).toBe(above);
    expect(await ns.get('missing')).toBeUndefined();
  });
});

describe('fromNodeRedis', () => {
  it('runs the cache’s commands with Buffer replies and without node-redis’ own per-command timer', async () => {
    const seen: unknown[] = [];
    const commands = {
      mGet: async (keys: string[]) =>
        keys.map((k) => (k === 'a' ? Buffer.from('x') : k === 'b' ? 'y' : null)),
      set: async () => 'OK',
      incr: async () => 1,
      unlink: async () => 0,
      eval: async () => null,
    };
    const client = {
      ...commands,
      withTypeMapping: () => {
        throw new Error('withCommandOptions should be preferred');
      },
      withCommandOptions: (options: unknown) => {
        seen.push(options);
        return commands;
      },
    } as unknown as NodeRedisLike;
    const port = fromNodeRedis(client);
    expect(seen).toEqual([{ typeMapping: expect.any(Object), timeout: 0 }]);
    expect(await port.mget(['a', 'b', 'c'])).toEqual([Buffer.from('x'), Buffer.from('y'), null]);
  });
});
