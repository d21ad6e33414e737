/**
 * A small browser stand-in for route tests: keeps cookies, reads a page's CSRF token, posts forms
 * and follows redirects by hand. Talks to a dashboard's fetch handler or to a real URL.
 */
export class WebClient {
  readonly cookies = new Map<string, string>();
  token = "";

  constructor(
    private readonly send: (request: Request) => Promise<Response>,
    private readonly origin = "http://127.0.0.1",
    private readonly headers: Record<string, string> = {},
  ) {}

  async get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; response: Response }> {
    const response = await this.send(new Request(`${this.origin}${path}`, { headers: { ...this.headers, cookie: this.cookieHeader(), ...headers } }));
    this.keepCookies(response);
    const body = await response.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? /data-csrf="([^"]+)"/.exec(body)?.[1];
    if (token) this.token = token;
    return { status: response.status, body, response };
  }

  /** POSTs a form (with the page's token unless `token: false`); returns the response without following it. */
  async post(
    path: string,
    fields: Record<string, string | string[]> = {},
    options: { token?: boolean | string; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; body: string; location: string | null; response: Response }> {
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) form.append(name, v);
    if (options.token !== false) form.set("_csrf", typeof options.token === "string" ? options.token : this.token);
    const response = await this.send(
      new Request(`${this.origin}${path}`, {
        method: "POST",
        body: form,
        headers: { ...this.headers, cookie: this.cookieHeader(), "content-type": "application/x-www-form-urlencoded", ...options.headers },
        redirect: "manual",
      }),
    );
    this.keepCookies(response);
    return { status: response.status, body: await response.text(), location: response.headers.get("location"), response };
  }

  /** POSTs and then loads the page it redirects to; returns that page (with the flash message). */
  async submit(path: string, fields: Record<string, string | string[]> = {}): Promise<{ status: number; body: string; flash: string | undefined }> {
    const posted = await this.post(path, fields);
    if (posted.status !== 303 || !posted.location) throw new Error(`POST ${path} answered ${posted.status}, not a redirect: ${posted.body.slice(0, 500)}`);
    const page = await this.get(posted.location);
    return { ...page, flash: flashOf(page.body) };
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private keepCookies(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === "" || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

export function flashOf(body: string): string | undefined {
  const match = /<p class="flash (?:ok|error)"[^>]*>([^<]*)<\/p>/.exec(body);
  return match ? decodeHtml(match[1]!) : undefined;
}

export function decodeHtml(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** The hidden `raw` value of the first form on a page that has one. */
export function rawField(body: string): string {
  const match = /name="raw" value="([^"]*)"/.exec(body);
  if (!match) throw new Error("no raw field on the page");
  return decodeHtml(match[1]!);
}
