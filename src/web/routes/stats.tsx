import type { Hono } from "hono";
import type { WebEnv } from "../context.js";

export function registerStats(_app: Hono<WebEnv>): void {}
