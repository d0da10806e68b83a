import { mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The CFS period the quotas are expressed in: 100 ms, the kernel's default. */
const PERIOD_US = 100_000;

/** Where this machine lets a process's CPU be capped, or why it does not. */
export type CpuQuotaSupport =
  | { readonly available: true; readonly version: 1 | 2; readonly parent: string }
  | { readonly available: false; readonly reason: string };

/** A machine where CPU caps can be set. */
export type CpuQuotaAvailable = Extract<CpuQuotaSupport, { available: true }>;

/** A process's CPU cap; `release` removes its group once the process is gone. */
export interface CpuQuota {
  /** The cores the process may use, e.g. 0.5. */
  readonly vcpus: number;
  /** The control group the process was moved into. */
  readonly group: string;
  release(): void;
}

interface Mount {
  readonly path: string;
  readonly type: string;
  readonly options: readonly string[];
}

/** The cgroup mounts in `/proc/self/mountinfo` text: v1 mounts with the `cpu` controller, and v2. */
export function cgroupMounts(mountinfo: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of mountinfo.split('\n')) {
    const [before, after] = line.split(' - ');
    if (!before || !after) continue;
    const [type = '', , superOptions = ''] = after.split(' ');
    const options = superOptions.split(',');
    if (type === 'cgroup2' || (type === 'cgroup' && options.includes('cpu'))) {
      mounts.push({ path: before.split(' ')[4] ?? '', type, options });
    }
  }
  return mounts;
}

/**
 * Finds a cgroup hierarchy with the CPU controller this process may write to and prepares the
 * parent group `name` in it: cgroup v1's `cpu` hierarchy, or cgroup v2 with `cpu` enabled for
 * children. Nothing is capped where neither is writable (not root, no delegation, not Linux):
 * the reason says why.
 */
export function cpuQuotaSupport(
  name: string,
  readMountinfo: () => string = () => readFileSync('/proc/self/mountinfo', 'utf8'),
): CpuQuotaSupport {
  let mounts: Mount[];
  try {
    mounts = cgroupMounts(readMountinfo());
  } catch {
    return { available: false, reason: 'no /proc/self/mountinfo: control groups are Linux only' };
  }
  const v1 = mounts.find((mount) => mount.type === 'cgroup');
  const v2 = mounts.find((mount) => mount.type === 'cgroup2');
  const failures: string[] = [];
  if (v1) {
    try {
      const parent = join(v1.path, name);
      mkdirSync(parent, { recursive: true });
      removeIdleGroups(parent);
      return { available: true, version: 1, parent };
    } catch (error) {
      failures.push(`cgroup v1 ${v1.path}: ${(error as Error).message}`);
    }
  }
  if (v2) {
    try {
      if (!readFileSync(join(v2.path, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('cpu')) {
        throw new Error('the cpu controller is not available there');
      }
      const parent = join(v2.path, name);
      mkdirSync(parent, { recursive: true });
      writeFileSync(join(v2.path, 'cgroup.subtree_control'), '+cpu');
      writeFileSync(join(parent, 'cgroup.subtree_control'), '+cpu');
      removeIdleGroups(parent);
      return { available: true, version: 2, parent };
    } catch (error) {
      failures.push(`cgroup v2 ${v2.path}: ${(error as Error).message}`);
    }
  }
  if (failures.length === 0)
    return { available: false, reason: 'no cgroup hierarchy with the cpu controller' };
  return { available: false, reason: failures.join('; ') };
}

/** Groups left behind by a run that was killed: empty ones are removed, busy ones kept. */
function removeIdleGroups(parent: string): void {
  for (const entry of readdirSync(parent, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    try {
      rmdirSync(join(parent, entry.name));
    } catch {
      // Still holds a process (or is not ours to remove): left as it is.
    }
  }
}

/**
 * Caps process `pid` at `vcpus` cores with the kernel's CFS bandwidth control, in its own group
 * `<parent>/<name>`: the process then runs as on an instance with that much CPU, however many
 * cores the machine has, and its measured CPU time against `vcpus` is its utilization.
 * @throws {RangeError} when `vcpus` is not in (0, 64].
 */
export function capProcess(support: CpuQuotaAvailable, name: string, pid: number, vcpus: number): CpuQuota {
  if (!(vcpus > 0 && vcpus <= 64)) throw new RangeError(`vcpus must be in (0, 64], got ${vcpus}`);
  const group = join(support.parent, name);
  mkdirSync(group, { recursive: true });
  const quotaUs = Math.round(vcpus * PERIOD_US);
  if (support.version === 1) {
    writeFileSync(join(group, 'cpu.cfs_period_us'), String(PERIOD_US));
    writeFileSync(join(group, 'cpu.cfs_quota_us'), String(quotaUs));
  } else {
    writeFileSync(join(group, 'cpu.max'), `${quotaUs} ${PERIOD_US}`);
  }
  writeFileSync(join(group, 'cgroup.procs'), String(pid));
  return {
    vcpus,
    group,
    release: () => {
      try {
        rmdirSync(group);
      } catch {
        // The process outlived its release (or the group is gone): the next start removes it.
      }
    },
  };
}
