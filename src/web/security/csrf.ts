/**
 * CSRF protection for every state-changing request. The browser holds a random id in an
 * HttpOnly, SameSite=Strict cookie; forms carry an HMAC of that id under the dashboard's secret.
 * A page on another site can make the browser send the cookie (where SameSite is not honoured)
 * but can neither read it nor compute the token, and a cookie planted by a sibling subdomain is
 * useless without the secret. Requests the browser marks as cross-site are refused outright.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const CSRF_COOKIE = "resque_web_csrf";
export const CSRF_FIELD = "_csrf";
export const CSRF_HEADER = "x-csrf-token";

export class CsrfTokens {
  readonly #secret: Buffer;

  constructor(secret: string | undefined) {
    this.#secret = secret === undefined ? randomBytes(32) : Buffer.from(secret, "utf8");
  }

  /** A new browser id for the cookie. */
  newId(): string {
    return randomBytes(18).toString("base64url");
  }

  /** The token forms carry for a browser id. */
  tokenFor(id: string): string {
    return createHmac("sha256", this.#secret).update(id).digest("base64url");
  }

  /** Whether `token` was made for `id` (constant time). */
  verify(id: string | undefined, token: string | undefined): boolean {
    if (!id || !token) return false;
    const expected = Buffer.from(this.tokenFor(id));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

/**
 * Whether the browser says the request comes from another site (Sec-Fetch-Site), or its Origin
 * names another host than the one it was sent to. Requests without these headers (old browsers,
 * scripts) are judged by the token alone.
 */
export function isCrossSite(request: Request): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") return true;
  const origin = request.headers.get("origin");
  if (origin === null || origin === "null") return origin === "null";
  try {
    const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host") ?? new URL(request.url).host;
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}
