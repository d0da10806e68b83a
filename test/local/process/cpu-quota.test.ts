import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuTicks } from '../../../local/fleet/service-instance';
import { capProcess, cgroupMounts, cpuQuotaSupport } from '../../../local/process/cpu-quota';

const MOUNTINFO = [
  '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
  '32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
  '33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct',
  '35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
  '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
  '',
].join('\n');

describe('cgroupMounts', () => {
  test('keeps the v1 hierarchy with the cpu controller and the v2 mount, nothing else', () => {
    expect(cgroupMounts(MOUNTINFO).map((m) => [m.type, m.path])).toEqual([
      ['cgroup', '/sys/fs/cgroup/cpu'],
      ['cgroup2', '/sys/fs/cgroup/unified'],
    ]);
  });
});

describe('cpuQuotaSupport', () => {
  test('says why nothing can be capped when no hierarchy has the cpu controller', () => {
    const support = cpuQuotaSupport('misybot-test', () => '35 31 0:32 / /m rw - cgroup cgroup rw,memory\n');
    expect(support).toEqual({ available: false, reason: 'no cgroup hierarchy with the cpu controller' });
  });

  test('says why when the mount table cannot be read', () => {
    const support = cpuQuotaSupport('misybot-test', () => {
      throw new Error('ENOENT');
    });
    expect(support).toEqual({
      available: false,
      reason: 'no /proc/self/mountinfo: control groups are Linux only',
    });
  });
});

describe('capProcess', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cpu-quota-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('writes a cgroup v1 quota of vcpus × the 100 ms period and moves the process in', () => {
    const quota = capProcess({ available: true, version: 1, parent: dir }, 'i-1', 4242, 0.5);
    expect(readFileSync(join(dir, 'i-1', 'cpu.cfs_period_us'), 'utf8')).toBe('100000');
    expect(readFileSync(join(dir, 'i-1', 'cpu.cfs_quota_us'), 'utf8')).toBe('50000');
    expect(readFileSync(join(dir, 'i-1', 'cgroup.procs'), 'utf8')).toBe('4242');
    expect(quota).toMatchObject({ vcpus: 0.5, group: join(dir, 'i-1') });
  });

  test('writes cgroup v2 cpu.max as "quota period"', () => {
    capProcess({ available: true, version: 2, parent: dir }, 'i-2', 4243, 1.5);
    expect(readFileSync(join(dir, 'i-2', 'cpu.max'), 'utf8')).toBe('150000 100000');
  });

  test('rejects a size that is not a positive number of cores', () => {
    expect(() => capProcess({ available: true, version: 1, parent: dir }, 'i-3', 1, 0)).toThrow(
      'vcpus must be in (0, 64], got 0',
    );
  });
});

describe('a process capped on this machine', () => {
  // The kernel enforces the quota where this machine lets us write a cpu hierarchy (root on the
  // development and CI machines); elsewhere the support says why, which is what the fleet shows.
  test('uses no more than its share of a core however busy it is, or the reason it cannot be capped is given', async () => {
    const support = cpuQuotaSupport('misybot-test-quota');
    if (!support.available) {
      // Only a machine that cannot write a cpu hierarchy (not Linux, or not root) may lack it.
      expect(process.platform !== 'linux' || process.getuid?.() !== 0).toBe(true);
      expect(support.reason.length).toBeGreaterThan(0);
      return;
    }
    const child = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
    const quota = capProcess(support, `busy-${child.pid}`, child.pid!, 0.2);
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const before = cpuTicks(child.pid!)!;
      const startedAt = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const cores = (cpuTicks(child.pid!)! - before) / 100 / ((Date.now() - startedAt) / 1000);
      expect(cores).toBeLessThan(0.3);
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      quota.release();
      rmdirSync(support.parent);
    }
  });
});
