/** Reference implementations that labs compare against and learners can import. */
export { CircuitBreaker, type CircuitBreakerOptions, type CircuitState, type CircuitTransition } from "./circuit-breaker";
export { TokenBucket, type TokenBucketOptions } from "./token-bucket";
export { FixedWindowLimiter, type FixedWindowOptions, type FixedWindowRedis } from "./fixed-window";
export { SlidingWindowLimiter, type SlidingWindowOptions, type SlidingWindowRedis } from "./sliding-window";
export { clockFn, type Clock } from "./clock";
