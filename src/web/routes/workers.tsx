import type { Hono } from "hono";
import type { WebEnv } from "../context.js";

export function registerWorkers(_app: Hono<WebEnv>): void {}
