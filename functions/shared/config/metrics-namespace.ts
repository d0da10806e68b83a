/**
 * The CloudWatch namespace of every metric the control functions publish (EMF through Powertools)
 * and of the alarms in lib/ that read them: one value, so a function and its alarm cannot drift.
 */
export const METRICS_NAMESPACE = 'MisyBot/HA';
