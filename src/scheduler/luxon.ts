/** luxon (durations and zone rules), loaded on first use: only processes that run schedules parse them. */
import { lazyDependency } from "../lazy-dependency.js";

export const luxon = lazyDependency<typeof import("luxon")>("luxon");
