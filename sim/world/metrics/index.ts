/** Metrics inside the simulation: a registry, Flower's metrics fed from the trace, queries, alert rules. */
export { Counter, DEFAULT_BUCKETS, Gauge, Histogram, MetricFamily, MetricsRegistry, type Labels, type MetricType, type Series } from "./registry";
export { FlowerMetrics, type FlowerMetricsOptions, type MetricsLookups } from "./flower";
export { MetricsQuery, histogramQuantile, type GaugeAggregation, type MetricsQueryOptions } from "./query";
export { AlertEvaluator, type AlertOp, type AlertRule, type AlertState, type AlertTransition } from "./alerts";
