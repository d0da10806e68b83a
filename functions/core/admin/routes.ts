import { changeRoutes } from './change-routes';
import { readRoutes } from './read-routes';
import { regionRoutes } from './region-routes';
import type { RouteSpec } from './route-spec';

export type { HttpMethod, RouteSpec } from './route-spec';

/**
 * The admin API's routes: one catalogue read by the handler (which validates every request
 * with these schemas), the OpenAPI builder (which documents the same schemas) and the CDK
 * construct (which creates one API Gateway method per entry and grants GETs to the read-only
 * policy). A route added here is validated, documented, deployed and authorised in one place.
 */
export const routes = { ...readRoutes, ...changeRoutes, ...regionRoutes } as const;

export type RouteId = keyof typeof routes;

/** Every route, reads first, then changes, then the region routes (GET first). */
export const routeList: readonly RouteSpec[] = Object.values(routes);
