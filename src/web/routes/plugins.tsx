import type { Hono } from "hono";
import type { WebEnv } from "../context.js";

export function registerPlugins(_app: Hono<WebEnv>): void {}
