import * as z from 'zod';

/** An integer within `[min, max]`: most configuration numbers are counts, seconds or ports. */
export const int = (min: number, max: number) => z.number().int().min(min).max(max);

/** True when `source` compiles as a JavaScript regular expression. */
export function isRegexSource(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}
