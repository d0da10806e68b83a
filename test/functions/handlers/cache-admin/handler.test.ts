import { createCache, MemoryRedis } from '@misybot-ha/cache';
import { createCacheAdminHandler } from '../../../../functions/handlers/cache-admin/handler';

const log = { info: jest.fn(), warn: jest.fn() };

describe('cache worker', () => {
  it("bumps the namespace's generation with the services' prefix, so old entries are unreachable", async () => {
    const redis = new MemoryRedis();
    const services = createCache({ client: redis, prefix: 'chat:' });
    await services.namespace('answers').set('q1', 'old answer');
    expect(await services.namespace('answers').get('q1')).toBe('old answer');
    const handler = createCacheAdminHandler({ connect: async () => redis, prefix: 'chat:', log });
    expect(await handler({ action: 'invalidate', namespace: 'answers' })).toEqual({
      namespace: 'answers',
      invalidated: true,
    });
    const fresh = createCache({ client: redis, prefix: 'chat:' });
    expect(await fresh.namespace('answers').get('q1')).toBeUndefined();
    expect(redis.calls.incr).toBe(1);
  });

  it('answers invalidated: false when Redis cannot be reached or refuses', async () => {
    const down = createCacheAdminHandler({
      connect: async () => Promise.reject(new Error('ECONNREFUSED')),
      prefix: '',
      log,
    });
    expect(await down({ action: 'invalidate', namespace: 'answers' })).toEqual({
      namespace: 'answers',
      invalidated: false,
    });
    const redis = new MemoryRedis();
    redis.mode = 'reject';
    const refusing = createCacheAdminHandler({ connect: async () => redis, prefix: '', log });
    expect(await refusing({ action: 'invalidate', namespace: 'answers' })).toEqual({
      namespace: 'answers',
      invalidated: false,
    });
  });

  it('refuses anything but a valid command', async () => {
    const handler = createCacheAdminHandler({ connect: async () => new MemoryRedis(), prefix: '', log });
    await expect(handler({ action: 'flushall' })).rejects.toMatchObject({ name: 'InputError' });
    await expect(handler({ action: 'invalidate', namespace: '../x' })).rejects.toThrow(/namespace/);
  });
});
