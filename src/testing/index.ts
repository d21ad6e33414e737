/** resque-ts/testing: helpers for applications' own test suites. */
export const placeholder = 1;
