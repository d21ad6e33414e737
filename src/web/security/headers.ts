/**
 * Response headers of every page: a Content-Security-Policy that allows only the dashboard's own
 * script and stylesheet files (no inline script or style anywhere, so an injected tag would do
 * nothing even if escaping failed), no framing, no sniffing, no referrer leaving the site.
 */
export const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "same-origin",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};
