/** The retry plugin (resque-retry's analogue): see docs/retry.md. */
export { retry, type RetryDecorator, type TypedRetryOptions } from "./decorator.js";
export { RetryPlugin } from "./plugin.js";
export type { RetryOptions, ExponentialBackoff, RetryDelays, RetryAttemptInfo, RetryScheduledInfo, GiveUpInfo } from "./options.js";
export type { ErrorClass, ErrorMatcher } from "./error-match.js";
export type { RetryIdentifierFunction } from "./identifier.js";
export { defaultRetryIdentifier } from "./identifier.js";
