import { type Lock, withLock } from '../../../functions/core/coordination';

/** An in-memory lease table with the same semantics the DynamoDB adapter's condition encodes. */
function memoryLock(): Lock & { holders: Map<string, { owner: string; until: number }> } {
  const holders = new Map<string, { owner: string; until: number }>();
  return {
    holders,
    async acquire(name, owner, leaseMs, now) {
      const current = holders.get(name);
      if (current && current.until >= now && current.owner !== owner) return false;
      holders.set(name, { owner, until: now + leaseMs });
      return true;
    },
    async release(name, owner) {
      if (holders.get(name)?.owner === owner) holders.delete(name);
    },
  };
}

describe('withLock', () => {
  it('runs the action and releases the lease', async () => {
    const lock = memoryLock();
    await expect(withLock(lock, 'x', 'a', 1000, 0, async () => 42)).resolves.toEqual({
      acquired: true,
      result: 42,
    });
    expect(lock.holders.size).toBe(0);
  });

  it('does not run the action while another owner holds the lease', async () => {
    const lock = memoryLock();
    await lock.acquire('x', 'other', 1000, 0);
    const action = jest.fn(async () => 1);
    await expect(withLock(lock, 'x', 'a', 1000, 500, action)).resolves.toEqual({ acquired: false });
    expect(action).not.toHaveBeenCalled();
    expect(lock.holders.get('x')?.owner).toBe('other');
  });

  it('releases the lease when the action fails', async () => {
    const lock = memoryLock();
    await expect(
      withLock(lock, 'x', 'a', 1000, 0, async () => {
        throw new Error('SetDesiredCapacity failed');
      }),
    ).rejects.toThrow('SetDesiredCapacity failed');
    expect(lock.holders.size).toBe(0);
  });
});
