/** HTTP basic auth, compared in constant time. */
import { createHash, timingSafeEqual } from "node:crypto";

export function checkBasicAuth(header: string | null, expected: { username: string; password: string }): boolean {
  if (header === null || !/^basic\s+/i.test(header)) return false;
  let decoded: string;
  try {
    decoded = Buffer.from(header.replace(/^basic\s+/i, ""), "base64").toString("utf8");
  } catch {
    return false;
  }
  const colon = decoded.indexOf(":");
  if (colon < 0) return false;
  // Both checks always run, so the time taken does not tell which part was wrong.
  const user = same(decoded.slice(0, colon), expected.username);
  const password = same(decoded.slice(colon + 1), expected.password);
  return user && password;
}

/** Equal strings, compared by digest so neither length nor content leaks through timing. */
function same(a: string, b: string): boolean {
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}

export const BASIC_AUTH_CHALLENGE = 'Basic realm="resque-web", charset="UTF-8"';
