/** The package version; process titles carry it as Ruby Resque's do ("resque-<version>: ..."). */
export const VERSION = "0.1.0";
