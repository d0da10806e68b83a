import { z } from 'zod';

/** An integer within `[min, max]`: most configuration numbers are counts, seconds or ports. */
export const int = (min: number, max: number) => z.number().int().min(min).max(max);
