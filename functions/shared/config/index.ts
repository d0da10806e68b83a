export { defaultConfigInput } from './default-config';
export type { EndpointMethod, EndpointRouteSettings, EndpointsSettings } from './endpoints';
export { endpointsSchema, MAX_ALARMED_ROUTES } from './endpoints';
export { METRICS_NAMESPACE } from './metrics-namespace';
export type { PlatformConfig, PlatformConfigInput } from './platform-config';
export { formatConfigIssues, parsePlatformConfig, platformConfigSchema } from './platform-config';
export type { QueryAnalysisSettings } from './query-analysis';
export { queryAnalysisSchema } from './query-analysis';
export type * from './schema';
