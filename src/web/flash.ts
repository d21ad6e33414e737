/** A one-time message carried over the redirect that follows an action, in a short-lived cookie. */
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Context } from "hono";
import type { Flash } from "./context.js";

const COOKIE = "resque_web_flash";

export function setFlash(c: Context, mount: string, flash: Flash): void {
  const value = Buffer.from(JSON.stringify({ kind: flash.kind, text: flash.text.slice(0, 1000) })).toString("base64url");
  setCookie(c, COOKIE, value, { path: mount || "/", httpOnly: true, sameSite: "Strict", maxAge: 60 });
}

export function readFlash(c: Context, mount: string): Flash | undefined {
  const value = getCookie(c, COOKIE);
  if (value === undefined) return undefined;
  deleteCookie(c, COOKIE, { path: mount || "/" });
  try {
    const parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as Partial<Flash>;
    if ((parsed.kind === "ok" || parsed.kind === "error") && typeof parsed.text === "string") return { kind: parsed.kind, text: parsed.text };
  } catch {
    // a cookie we did not write: no message
  }
  return undefined;
}
