/** The world around the tasks: a shared Redis, downstream services, reference patterns, metrics. */
export { SimRedis, SimRedisStore, parseInteger, type RedisType, type RedisValue, type ScoreBound, type SetOptions, type SimRedisOptions } from "./redis";
export { SimService, service, drawLatencyS, parseServiceRate, type LatencySpec, type Outage, type RateLimitSpec, type ServiceOptions } from "./service";
export { CircuitOpenError, ConnectionError, HttpError, ResponseError } from "./errors";
export * from "./patterns/index";
export * from "./metrics/index";
