/**
 * How every state-changing route runs: read the form, do the change through the admin API, then
 * redirect (303) back to the page the form was on with a message. An error the user can act on
 * (the job moved, a bad argument) becomes that message; anything else is a 500.
 */
import { ResqueError } from "../errors.js";
import { localPath, pageOf, type WebContext } from "./context.js";
import { setFlash } from "./flash.js";
import { confirmationPage } from "./routes/errors.js";

/** What a user typed that cannot be used, said so they can fix it. */
export class FormInputError extends ResqueError {}

export type Form = Record<string, string | File | (string | File)[]>;

export async function formOf(c: WebContext): Promise<Form> {
  return (await c.req.parseBody({ all: true })) as Form;
}

/** One text field (the first, when sent several times). */
export function field(form: Form, name: string): string | undefined {
  const value = form[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === "string" ? first : undefined;
}

export function requiredField(form: Form, name: string, what = name): string {
  const value = field(form, name);
  if (value === undefined || value === "") throw new FormInputError(`The form did not say ${what}.`);
  return value;
}

/** Every value of a field sent several times (checkboxes). */
export function fields(form: Form, name: string): string[] {
  const value = form[name];
  const all = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return all.filter((v): v is string => typeof v === "string");
}

export function integerField(form: Form, name: string, what = name): number {
  const text = requiredField(form, name, what);
  if (!/^\d{1,15}$/.test(text)) throw new FormInputError(`${what} must be a whole number, got "${text}".`);
  return Number(text);
}

/** JSON a user typed (edited arguments), with a message that says where it is broken. */
export function jsonField(form: Form, name: string, what: string): unknown {
  const text = requiredField(form, name, what);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new FormInputError(`${what} is not valid JSON (${(error as Error).message}). Write them as a JSON array, e.g. [42, "text"].`);
  }
}

/** The page to go back to: a path under the dashboard's root, never another site. */
export function returnPath(form: Form, fallback: string): string {
  const path = field(form, "return");
  if (path === undefined || !path.startsWith("/") || path.startsWith("//") || /[\\\u0000-\u001f]/.test(path)) return fallback;
  return path;
}

/**
 * Runs a change and redirects back with its message. `back` overrides where to go (a path
 * under the root), e.g. to a list after the item shown was removed.
 */
export async function act(c: WebContext, change: (form: Form) => Promise<string | { message: string; back: string }>): Promise<Response> {
  const page = pageOf(c);
  const form = await formOf(c);
  let back = returnPath(form, localPath(page, "/"));
  try {
    const outcome = await change(form);
    const message = typeof outcome === "string" ? outcome : outcome.message;
    if (typeof outcome !== "string") back = outcome.back;
    setFlash(c, page.root, { kind: "ok", text: message });
  } catch (error) {
    if (!(error instanceof ResqueError)) throw error;
    setFlash(c, page.root, { kind: "error", text: error.message });
  }
  return c.redirect(`${page.root}${back}`, 303);
}

/**
 * For a change that cannot be undone: without `confirm=yes` in the form, answers with a page that
 * asks (the script asks with a dialog first and sends confirm=yes), else undefined.
 */
export async function unconfirmed(c: WebContext, question: string): Promise<Response | undefined> {
  const form = await formOf(c);
  if (field(form, "confirm") === "yes") return undefined;
  return confirmationPage(c, question, form);
}

export function plural(n: number, word: string, words = `${word}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? word : words}`;
}
