import * as z from '../../shared/config/zod';
import { noQuery, requests, responses, route } from './route-spec';
import { regionOperationSchema } from './schemas/common';

/** The tag of the routes that exist only with `regions`: the CDK leaves them out otherwise. */
export const REGION_TAG = 'regions';

/**
 * The `region` component's routes. They drive the region failover function in the standby
 * region, as the CLI's `region` commands do, so the engine, its lease and its event records are
 * the same whichever way an operator comes in.
 */
export const regionRoutes = {
  getRegions: route({
    id: 'getRegions',
    method: 'GET',
    path: '/regions',
    summary: 'Which region serves, the operation in flight, what the engine would decide now (with regions)',
    tag: REGION_TAG,
    mutating: false,
    /**
     * `observe=true` adds the engine's decision on a fresh observation, from the region function.
     * Off by default: that function has 2 reserved executions, kept for the schedule and the
     * operations, so a polling dashboard reads the stored state only. @default false
     */
    query: z.strictObject({ observe: z._default(z.enum(['true', 'false']), 'false') }),
    status: 200,
    response: () => responses().regionsResponse,
  }),
  commandRegion: route({
    id: 'commandRegion',
    method: 'POST',
    path: '/regions/{operation}',
    summary:
      'Switch over, fail over, fail back or drill between the regions (with regions; dry run by default)',
    tag: REGION_TAG,
    mutating: true,
    params: z.strictObject({ operation: regionOperationSchema }),
    query: noQuery,
    body: z.lazy(() => requests().regionCommandSchema),
    status: 202,
    response: () => responses().regionCommandResponse,
  }),
} as const;
