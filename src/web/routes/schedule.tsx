import type { Hono } from "hono";
import type { WebEnv } from "../context.js";

export function registerSchedule(_app: Hono<WebEnv>): void {}
