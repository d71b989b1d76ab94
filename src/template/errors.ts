// Errors of the template engine. Every error that reaches a caller is a TemplateError that names
// the template file (the included one when the problem is there), the 1-based line and column,
// and — for undefined values — the variable, so an operator can jump straight to the cause.
// Filters and operators throw the unlocated FilterError / TemplateValueError; the runtime wraps
// them with the location of the expression that failed.

export interface SourceLocation {
  /** Template name as given to the engine (relative to a search path), or "<template>". */
  readonly file: string;
  /** 1-based; 0 when the problem has no position (e.g. the top-level template is missing). */
  readonly line: number;
  /** 1-based; 0 when unknown. */
  readonly column: number;
}

function locate(loc: SourceLocation, detail: string): string {
  if (loc.line <= 0) return `${loc.file}: ${detail}`;
  if (loc.column <= 0) return `${loc.file}:${loc.line}: ${detail}`;
  return `${loc.file}:${loc.line}:${loc.column}: ${detail}`;
}

export class TemplateError extends Error {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The undefined variable (or attribute path) when that is the cause. */
  readonly variable?: string;
  /** The message without the "file:line:col: " prefix. */
  readonly detail: string;

  constructor(detail: string, loc: SourceLocation, options: { variable?: string; cause?: unknown } = {}) {
    super(locate(loc, detail), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.file = loc.file;
    this.line = loc.line;
    this.column = loc.column;
    this.detail = detail;
    if (options.variable !== undefined) this.variable = options.variable;
  }
}

/** The template does not parse (or uses an unknown filter or test: Jinja2 rejects those at compile time too). */
export class TemplateSyntaxError extends TemplateError {}

/** A variable, attribute or key was undefined where a value was needed. */
export class UndefinedError extends TemplateError {}

/**
 * A variable's value (itself a template) failed: a cycle, a syntax error. Located at the
 * variable's file:line; a template reading the variable reports it at its own site too.
 */
export class VariableValueError extends TemplateError {}

/** A template (top-level, included, imported or extended) is not in any search path. */
export class TemplateNotFoundError extends TemplateError {
  readonly template: string;
  constructor(template: string, searchPaths: readonly string[], loc: SourceLocation) {
    super(`template '${template}' not found in search paths: ${searchPaths.join(", ") || "(none)"}`, loc);
    this.template = template;
  }
}

/** Anything else that failed while rendering: a filter, an operator on the wrong types, a call. */
export class TemplateRuntimeError extends TemplateError {}

/** Thrown by a filter, test or global; the runtime adds the template location. */
export class FilterError extends Error {
  readonly filter: string;
  constructor(filter: string, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "FilterError";
    this.filter = filter;
  }
}

/** Thrown by operators and methods on values of the wrong type (Python's TypeError/ValueError). */
export class TemplateValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TemplateValueError";
  }
}
