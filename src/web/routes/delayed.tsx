import type { Hono } from "hono";
import type { WebEnv } from "../context.js";

export function registerDelayed(_app: Hono<WebEnv>): void {}
