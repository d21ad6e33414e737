import type { Hono } from "hono";
import type { WebEnv } from "../context.js";

export function registerFailed(_app: Hono<WebEnv>): void {}
