/**
 * The load trace format the simulator replays (also documented in `bench/traces/README.md`):
 *
 * ```csv
 * # Free-text comments start with "#".
 * # capacityPerInstance = 100
 * time,load,memory
 * 2024-03-04T00:00:00Z,180,3.1
 * 2024-03-04T00:01:00Z,184.5,3.1
 * ```
 *
 * - The first line that is neither blank nor a comment is the header: `time,load` or
 *   `time,load,memory`.
 * - `time` is an ISO-8601 date-time with a zone (`Z` or `+01:00`), or a number of seconds from
 *   the trace's start; one kind per file; strictly increasing.
 * - `load` is the demand in the unit the fleet's capacity is measured in, e.g. requests per
 *   second; a finite number ≥ 0. Between rows it is interpolated linearly.
 * - `memory` (optional) is the fleet's working set in GiB, a finite number ≥ 0.
 * - A comment of the form `# key = value` sets a fleet model parameter (see
 *   {@link TRACE_PARAMETERS}); an unknown key or a non-numeric value is an error.
 */

/** One row of a trace. */
export interface TracePoint {
  /** Seconds since the first row. */
  readonly offsetSeconds: number;
  readonly load: number;
  readonly memory?: number;
}

/** The fleet model parameters a trace may set in its comments, with their meaning. */
export const TRACE_PARAMETERS = {
  capacityPerInstance: 'load one instance serves at 100 % CPU',
  bootSeconds: 'seconds from launch until an instance is in service',
  metricPeriodSeconds: 'length of one metric datapoint',
  metricDelaySeconds: 'seconds after a period ends before its CPU and memory datapoints are visible',
  requestsDelaySeconds: "seconds after a period ends before the ALB's RequestCountPerTarget is visible",
  warmPoolSize: 'warmed, stopped instances kept beside the group (EC2 Auto Scaling warm pool)',
  warmStartSeconds: 'seconds from a warm start until the instance is in service',
  sloUtilisation: 'CPU % above which a minute counts as an SLO breach',
  memoryPerInstanceGiB: 'memory of one instance, for the memory metric',
  minCapacity: "group minimum (a policy's minCapacity narrows it)",
  maxCapacity: "group maximum (a policy's maxCapacity narrows it)",
  initialCapacity: 'instances in service at the start',
} as const;

/** A trace parameter name. */
export type TraceParameter = keyof typeof TRACE_PARAMETERS;

/** A parsed trace. */
export interface Trace {
  /** Epoch ms of the first row: its ISO time, or 1970-01-01T00:00:00Z for offset times. */
  readonly start: number;
  readonly points: readonly TracePoint[];
  readonly hasMemory: boolean;
  readonly parameters: Partial<Record<TraceParameter, number>>;
}

/** A trace that cannot be replayed; `line` is 1-based, 0 when the problem is the whole file. */
export class TraceError extends Error {
  override readonly name = 'TraceError';

  constructor(
    readonly line: number,
    message: string,
  ) {
    super(line > 0 ? `line ${line}: ${message}` : message);
  }
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function parseNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (!NUMBER.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Parses a trace's text. Pure: the caller reads the file.
 * @throws {TraceError} naming the line: bad header, wrong column count, bad or unsorted time,
 * non-numeric or negative load or memory, unknown parameter, or a trace without rows.
 */
export function parseTrace(text: string): Trace {
  const lines = text.split(/\r?\n/);
  const parameters: Partial<Record<TraceParameter, number>> = {};
  const points: TracePoint[] = [];
  let columns: number | undefined;
  let timeKind: 'iso' | 'offset' | undefined;
  let start = 0;
  let previous: { time: number; text: string } | undefined;

  lines.forEach((raw, index) => {
    const lineNumber = index + 1;
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      const parameter = /^#\s*([A-Za-z][A-Za-z0-9]*)\s*=\s*(.*)$/.exec(line);
      if (parameter === null) return;
      const [, key, valueText] = parameter;
      if (!(key! in TRACE_PARAMETERS)) {
        throw new TraceError(
          lineNumber,
          `unknown parameter "${key}" (known: ${Object.keys(TRACE_PARAMETERS).join(', ')})`,
        );
      }
      const value = parseNumber(valueText!);
      if (value === undefined || value < 0) {
        throw new TraceError(lineNumber, `parameter ${key} must be a number ≥ 0, got "${valueText}"`);
      }
      parameters[key as TraceParameter] = value;
      return;
    }
    const cells = line.split(',').map((cell) => cell.trim());
    if (columns === undefined) {
      const header = cells.map((cell) => cell.toLowerCase()).join(',');
      if (header !== 'time,load' && header !== 'time,load,memory') {
        throw new TraceError(lineNumber, `bad header "${line}": expected "time,load" or "time,load,memory"`);
      }
      columns = cells.length;
      return;
    }
    if (cells.length !== columns) {
      throw new TraceError(lineNumber, `expected ${columns} columns as in the header, got ${cells.length}`);
    }
    const [timeText, loadText, memoryText] = cells as [string, string, string | undefined];
    const kind = ISO.test(timeText) ? 'iso' : parseNumber(timeText) !== undefined ? 'offset' : undefined;
    if (kind === undefined) {
      throw new TraceError(
        lineNumber,
        `time "${timeText}" is neither an ISO-8601 date-time with a zone nor a number of seconds`,
      );
    }
    if (timeKind !== undefined && kind !== timeKind) {
      throw new TraceError(
        lineNumber,
        `time "${timeText}" mixes ${kind === 'iso' ? 'ISO dates' : 'offsets'} with earlier ${timeKind === 'iso' ? 'ISO dates' : 'offsets'}`,
      );
    }
    timeKind = kind;
    const time = kind === 'iso' ? Date.parse(timeText) : parseNumber(timeText)! * 1000;
    if (Number.isNaN(time) || (kind === 'offset' && time < 0)) {
      throw new TraceError(
        lineNumber,
        `time "${timeText}" is not a valid ${kind === 'iso' ? 'date-time' : 'offset ≥ 0'}`,
      );
    }
    if (previous !== undefined && time <= previous.time) {
      throw new TraceError(
        lineNumber,
        `time "${timeText}" is not after the previous row's "${previous.text}" (rows must be sorted by time, without duplicates)`,
      );
    }
    if (previous === undefined) start = kind === 'iso' ? time : 0;
    previous = { time, text: timeText };
    const load = parseNumber(loadText);
    if (load === undefined || load < 0) {
      throw new TraceError(lineNumber, `load "${loadText}" is not a number ≥ 0`);
    }
    const offsetSeconds = (time - (kind === 'iso' ? start : 0)) / 1000;
    if (memoryText === undefined) {
      points.push({ offsetSeconds, load });
      return;
    }
    const memory = parseNumber(memoryText);
    if (memory === undefined || memory < 0) {
      throw new TraceError(lineNumber, `memory "${memoryText}" is not a number ≥ 0`);
    }
    points.push({ offsetSeconds, load, memory });
  });

  if (columns === undefined) throw new TraceError(0, 'empty trace: no header line "time,load[,memory]"');
  if (points.length < 2) {
    throw new TraceError(0, `trace has ${points.length} data row(s); at least 2 are needed to replay it`);
  }
  return { start, points, hasMemory: columns === 3, parameters };
}

/** The trace's load (or memory) at `offsetSeconds`, interpolated linearly and held at the ends. */
export function valueAt(
  points: readonly TracePoint[],
  offsetSeconds: number,
  field: 'load' | 'memory' = 'load',
): number {
  const first = points[0]!;
  const last = points[points.length - 1]!;
  if (offsetSeconds <= first.offsetSeconds) return first[field] ?? 0;
  if (offsetSeconds >= last.offsetSeconds) return last[field] ?? 0;
  let low = 0;
  let high = points.length - 1;
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (points[middle]!.offsetSeconds <= offsetSeconds) low = middle;
    else high = middle;
  }
  const a = points[low]!;
  const b = points[high]!;
  const share = (offsetSeconds - a.offsetSeconds) / (b.offsetSeconds - a.offsetSeconds);
  return (a[field] ?? 0) + ((b[field] ?? 0) - (a[field] ?? 0)) * share;
}
