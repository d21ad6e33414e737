import type { Hono } from "hono";
import type { WebEnv } from "../context.js";

export function registerRetry(_app: Hono<WebEnv>): void {}
