/** One line of an ASCII chart. */
export interface ChartLine {
  readonly label: string;
  readonly symbol: string;
  readonly values: readonly number[];
}

/**
 * Draws lines on a character grid, `width` × `height`, sharing one y axis from 0 to the
 * largest value. Each column shows the peak of the samples it covers, so a one-minute spike
 * still shows on a 24-hour chart; where lines meet, the later one in `lines` is drawn on top.
 */
export function renderChart(
  lines: readonly ChartLine[],
  options: { width?: number; height?: number; xLabel?: string } = {},
): string {
  const width = options.width ?? 72;
  const height = options.height ?? 14;
  const samples = Math.max(...lines.map((l) => l.values.length));
  const top = Math.max(1e-9, ...lines.flatMap((l) => l.values));
  const grid = Array.from({ length: height }, () => Array.from({ length: width }, () => ' '));
  for (const line of lines) {
    for (let column = 0; column < width; column++) {
      const from = Math.floor((column * samples) / width);
      const to = Math.max(from + 1, Math.floor(((column + 1) * samples) / width));
      const slice = line.values.slice(from, to);
      if (slice.length === 0) continue;
      const row = Math.round((Math.max(...slice) / top) * (height - 1));
      grid[height - 1 - row]![column] = line.symbol;
    }
  }
  const label = (value: number) => formatNumber(value).padStart(8);
  const rows = grid.map((cells, index) => {
    const value = index === 0 ? top : index === height - 1 ? 0 : undefined;
    return `${value === undefined ? ' '.repeat(8) : label(value)} |${cells.join('')}`;
  });
  const legend = lines.map((l) => `${l.symbol} ${l.label}`).join('   ');
  return [
    ...rows,
    `${' '.repeat(8)} +${'-'.repeat(width)}`,
    `${' '.repeat(10)}${options.xLabel ?? ''}`,
    `${' '.repeat(10)}${legend}`,
    '',
  ].join('\n');
}

function formatNumber(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (value >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  return `${Math.round(value * 10) / 10}`;
}
