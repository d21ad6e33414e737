import type { Hono } from "hono";
import type { WebEnv } from "../context.js";

export function registerSearch(_app: Hono<WebEnv>): void {}
