import {
  FilterError,
  TemplateError,
  TemplateNotFoundError,
  TemplateRuntimeError,
  TemplateSyntaxError,
  type SourceLocation,
} from "../errors.js";
import { MissingTemplateError } from "../loader.js";

// Turns whatever was thrown while rendering into a located TemplateError. The innermost location
// wins: an error already located (e.g. in an included template) passes through unchanged.

interface PositionedError {
  lineno?: unknown;
  colno?: unknown;
  message: string;
}

export function locateError(e: unknown, site: SourceLocation): TemplateError {
  // Nunjucks wraps errors passing through an included template's render(); ours is the cause.
  for (let cur: unknown = e, depth = 0; cur instanceof Error && depth < 16; cur = cur.cause, depth++) {
    if (cur instanceof TemplateError) return cur;
  }
  if (e instanceof MissingTemplateError) return new TemplateNotFoundError(e.template, e.searchPaths, site);
  if (e instanceof FilterError) {
    return new TemplateRuntimeError(`filter '${e.filter}': ${e.message}`, site, { cause: e });
  }
  if (e instanceof Error) {
    const detail = e.message.replace(/^Error: /, "");
    return new TemplateRuntimeError(detail, site, { cause: e });
  }
  return new TemplateRuntimeError(String(e), site);
}

/** Nunjucks' own parse errors carry 1-based lineno/colno and a raw message. */
export function syntaxErrorFrom(e: unknown, file: string): TemplateError {
  if (e instanceof TemplateError) return e;
  const err = e instanceof Error ? (e as PositionedError) : { message: String(e) };
  const line = typeof err.lineno === "number" ? err.lineno : 0;
  const column = typeof err.colno === "number" ? err.colno : 0;
  return new TemplateSyntaxError(err.message, { file, line, column }, { cause: e });
}
