/** Pages for what is not a normal page: not found, refused, failed, and "are you sure?". */
import { RedisUnavailableError, ResqueError } from "../../errors.js";
import type { Form } from "../actions.js";
import type { PageState, WebContext } from "../context.js";
import { FormGuard } from "../views/parts.js";
import { Layout } from "../views/layout.js";

function pageOrUndefined(c: WebContext): PageState | undefined {
  return c.get("page") as PageState | undefined;
}

export function notFoundPage(c: WebContext, text = "There is nothing at this address."): Response | Promise<Response> {
  const page = pageOrUndefined(c);
  if (!page) return c.text(`${text}\n`, 404);
  return c.html(
    <Layout page={page} title="Not found">
      <h1>Not found</h1>
      <p>{text}</p>
      <p>
        <a href={`${page.base}/`}>Back to the overview</a>
      </p>
    </Layout>,
    404,
  );
}

export function refusedPage(c: WebContext, status: 400 | 403, text: string): Response | Promise<Response> {
  const page = pageOrUndefined(c);
  if (!page) return c.text(`${text}\n`, status);
  return c.html(
    <Layout page={page} title="Refused">
      <h1>Refused</h1>
      <p class="flash error">{text}</p>
    </Layout>,
    status,
  );
}

export function errorPage(c: WebContext, error: Error): Response | Promise<Response> {
  const unavailable = error instanceof RedisUnavailableError;
  const status = unavailable ? 503 : error instanceof ResqueError ? 400 : 500;
  const text = unavailable || error instanceof ResqueError ? error.message : `Something went wrong: ${error.message}`;
  if (status === 500) console.error("resque-web:", error);
  const page = pageOrUndefined(c);
  if (!page) return c.text(`${text}\n`, status);
  return c.html(
    <Layout page={page} title={unavailable ? "Redis unreachable" : "Error"}>
      <h1>{unavailable ? "Redis is unreachable" : status === 400 ? "That did not work" : "Error"}</h1>
      <p class="flash error">{text}</p>
    </Layout>,
    status,
  );
}

/** Asks before a change that cannot be undone; the form re-sends what was posted, with confirm=yes. */
export function confirmationPage(c: WebContext, question: string, form: Form): Response | Promise<Response> {
  const page = c.get("page");
  const values = Object.entries(form).flatMap(([name, value]) =>
    name === "_csrf" || name === "return" || name === "confirm" ? [] : (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string").map((v) => [name, v] as const),
  );
  const back = typeof form.return === "string" && form.return.startsWith("/") && !form.return.startsWith("//") ? `${page.root}${form.return}` : `${page.base}/`;
  return c.html(
    <Layout page={{ ...page, here: typeof form.return === "string" ? form.return : page.here }} title="Confirm">
      <h1>Are you sure?</h1>
      <p>{question}</p>
      <form method="post" action={`${page.root}${c.req.path}`}>
        <FormGuard page={{ ...page, here: typeof form.return === "string" ? form.return : page.here }} />
        {values.map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" class="danger">
          Yes, do it
        </button>{" "}
        <a href={back}>Cancel</a>
      </form>
    </Layout>,
    200,
  );
}
