import { TemplateError, TemplateNotFoundError, type SourceLocation } from "./errors.js";
import type { FilterTable, TestTable } from "./filters/registry.js";
import { createGlobals } from "./globals.js";
import { MissingTemplateError, SearchPathLoader } from "./loader.js";
import { nunjucksInternals, type EnvironmentBase, type TemplateBase, type TemplateProps } from "./nunjucks/internals.js";
import { locateError } from "./runtime/locate.js";
import { JinjaRuntime } from "./runtime/runtime.js";
import { compileTemplate, type SourceUnit } from "./syntax/compile.js";
import { preserveTrailingNewlines } from "./syntax/lexer.js";
import { ANSIBLE_SYNTAX, type JinjaSyntax } from "./syntax/settings.js";

// A Nunjucks environment configured like Ansible's template module: autoescape off, strict
// undefined, and one lexer syntax (by default trim_blocks on, lstrip_blocks off, trailing newline
// put back; a `#jinja2:` line or the module's options pick another environment). Its templates
// compile with our Jinja2 parser/compiler, and every template — top-level or included — is
// compiled eagerly and synchronously, so errors surface in order and rendering never turns
// asynchronous. Includes, imports and parents compile with the syntax of the environment, as in
// Ansible, where they load through the top-level template's environment.

export interface JinjaEnvironment extends EnvironmentBase {
  jr: JinjaRuntime;
  syntax: JinjaSyntax;
}

type Known = Pick<JinjaRuntime, "hasFilter" | "hasTest">;

export class JinjaTemplate extends nunjucksInternals.Template {
  references: readonly { name: string; optional: boolean }[] = [];
  /** Lines of the file above tmplStr (a removed `#jinja2:` line). */
  lineOffset = 0;
  /** The whole file, header included: Ansible counts the trailing newlines to keep on it. */
  original: string | undefined;

  /** What this template compiles from. */
  unit(): SourceUnit {
    return { source: this.tmplStr, syntax: (this.env as JinjaEnvironment).syntax, lineOffset: this.lineOffset };
  }

  _compile(): void {
    const env = this.env as JinjaEnvironment;
    const compiled = compileTemplate(this.unit(), this.path, env.jr as Known);
    const props: TemplateProps = compiled.props;
    this.references = compiled.references;
    this.blocks = this._getBlocks(props);
    this.rootRenderFunc = props.root;
    this.compiled = true;
  }
}

const UNKNOWN: SourceLocation = { file: "<template>", line: 0, column: 0 };

export class TemplateEnvironment {
  readonly env: JinjaEnvironment;
  private readonly cache = new Map<string, JinjaTemplate>();

  constructor(
    readonly loader: SearchPathLoader,
    filters: FilterTable,
    tests: TestTable,
    readonly syntax: JinjaSyntax = ANSIBLE_SYNTAX,
  ) {
    const env = new nunjucksInternals.Environment([], {
      autoescape: false,
      trimBlocks: syntax.trim_blocks,
      lstripBlocks: syntax.lstrip_blocks,
      throwOnUndefined: false,
      // dev keeps nested errors as errors with a `cause` (ours) instead of flattening messages.
      dev: true,
    }) as JinjaEnvironment;
    env.jr = new JinjaRuntime(filters, tests, loader.searchPaths);
    env.syntax = syntax;
    env.globals = createGlobals();
    env.getTemplate = (...args: unknown[]) => this.getTemplateForNunjucks(args);
    this.env = env;
  }

  /** A compiled template by name; throws MissingTemplateError or a TemplateSyntaxError. */
  load(name: string): JinjaTemplate {
    const cached = this.cache.get(name);
    if (cached !== undefined) return cached;
    const source = this.loader.load(name);
    const tmpl = new JinjaTemplate(source.source, this.env, name, false);
    tmpl.compile();
    this.cache.set(name, tmpl);
    return tmpl;
  }

  fromString(source: string, name: string): JinjaTemplate {
    const tmpl = new JinjaTemplate(source, this.env, name, false);
    tmpl.compile();
    return tmpl;
  }

  /** A top-level template whose `#jinja2:` line (of `original`) was removed, leaving `source` from line lineOffset + 1. */
  fromTopLevel(source: string, name: string, lineOffset: number, original: string): JinjaTemplate {
    const tmpl = new JinjaTemplate(source, this.env, name, false);
    tmpl.lineOffset = lineOffset;
    tmpl.original = original;
    tmpl.compile();
    return tmpl;
  }

  /**
   * Nunjucks' compiled code calls env.getTemplate(name, eagerCompile, parentName, ignoreMissing,
   * cb). A failure is thrown rather than passed to cb: the throw lands in the calling template's
   * catch, which knows the line of the include/import/extends.
   */
  private getTemplateForNunjucks(args: unknown[]): unknown {
    const [name, , , ignoreMissing] = args;
    const cb = args.find((a): a is (err: unknown, tmpl?: unknown) => void => typeof a === "function");
    let tmpl: TemplateBase;
    if (name instanceof JinjaTemplate) {
      tmpl = name;
    } else if (Array.isArray(name)) {
      // Jinja2's select_template: the first of the names that exists.
      tmpl = this.selectTemplate(name, ignoreMissing === true);
    } else if (typeof name !== "string") {
      throw new TypeError(`template names must be strings, got ${typeof name}`);
    } else {
      try {
        tmpl = this.load(name);
      } catch (e) {
        if (!(e instanceof MissingTemplateError) || ignoreMissing !== true) throw e;
        tmpl = this.fromString("", name);
      }
    }
    if (cb === undefined) return tmpl;
    cb(null, tmpl);
    return undefined;
  }

  private selectTemplate(names: readonly unknown[], ignoreMissing: boolean): JinjaTemplate {
    let missing: MissingTemplateError | undefined;
    for (const n of names) {
      if (n instanceof JinjaTemplate) return n;
      if (typeof n !== "string") throw new TypeError(`template names must be strings, got ${typeof n}`);
      try {
        return this.load(n);
      } catch (e) {
        if (!(e instanceof MissingTemplateError)) throw e;
        missing ??= e;
      }
    }
    if (ignoreMissing || missing === undefined) return this.fromString("", String(names[0] ?? "<none>"));
    throw missing;
  }

  /** Renders synchronously; any failure comes out as a located TemplateError. */
  render(tmpl: JinjaTemplate, vars: Record<string, unknown>): string {
    try {
      return preserveTrailingNewlines(tmpl.original ?? tmpl.tmplStr, tmpl.render(vars), this.syntax.newline_sequence);
    } catch (e) {
      throw asTemplateError(e, tmpl.path);
    }
  }
}

/** Nunjucks wraps errors it passes through; the first TemplateError in the cause chain is ours. */
export function asTemplateError(e: unknown, file: string): TemplateError {
  for (let cur: unknown = e, depth = 0; cur instanceof Error && depth < 16; cur = cur.cause, depth++) {
    if (cur instanceof TemplateError) return cur;
    if (cur instanceof MissingTemplateError) return new TemplateNotFoundError(cur.template, cur.searchPaths, { ...UNKNOWN, file: cur.template });
  }
  return locateError(e, { ...UNKNOWN, file });
}
