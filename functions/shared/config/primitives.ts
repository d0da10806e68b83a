import * as z from 'zod';
import * as mini from './zod';

/** An integer within `[min, max]`: most configuration numbers are counts, seconds or ports. */
export const int = (min: number, max: number) => z.number().int().min(min).max(max);

/** {@link int} in zod/mini, for the settings the Lambdas validate as well. */
export const intRange = (min: number, max: number) => mini.int().check(mini.gte(min), mini.lte(max));

/** True when `source` compiles as a JavaScript regular expression. */
export function isRegexSource(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}
