import { TemplateError, TemplateNotFoundError, type SourceLocation } from "./errors.js";
import type { FilterTable, TestTable } from "./filters/registry.js";
import { createGlobals } from "./globals.js";
import { MissingTemplateError, SearchPathLoader } from "./loader.js";
import { nunjucksInternals, type EnvironmentBase, type TemplateBase, type TemplateProps } from "./nunjucks/internals.js";
import { locateError } from "./runtime/locate.js";
import { JinjaRuntime } from "./runtime/runtime.js";
import { type CompileOptions, compileTemplate } from "./syntax/compile.js";
import { preserveTrailingNewlines } from "./syntax/lexer.js";

// A Nunjucks environment configured like Ansible's template module: autoescape off, trim_blocks
// on, lstrip_blocks off, trailing newline kept, strict undefined. Its templates compile with our
// Jinja2 parser/compiler, and every template — top-level or included — is compiled eagerly and
// synchronously, so errors surface in order and rendering never turns asynchronous.

export interface JinjaEnvironment extends EnvironmentBase {
  jr: JinjaRuntime;
}

type Known = Pick<JinjaRuntime, "hasFilter" | "hasTest">;

export class JinjaTemplate extends nunjucksInternals.Template {
  references: readonly { name: string; optional: boolean }[] = [];

  protected compileOptions(): CompileOptions {
    return {};
  }

  _compile(): void {
    const env = this.env as JinjaEnvironment;
    const compiled = compileTemplate(this.tmplStr, this.path, env.jr as Known, this.compileOptions());
    const props: TemplateProps = compiled.props;
    this.references = compiled.references;
    this.blocks = this._getBlocks(props);
    this.rootRenderFunc = props.root;
    this.compiled = true;
  }
}

/** A variable's value as a template: read with Ansible's escape_backslashes. */
class JinjaValueTemplate extends JinjaTemplate {
  protected override compileOptions(): CompileOptions {
    return { escapeBackslashes: true };
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
  ) {
    const env = new nunjucksInternals.Environment([], {
      autoescape: false,
      trimBlocks: true,
      lstripBlocks: false,
      throwOnUndefined: false,
      // dev keeps nested errors as errors with a `cause` (ours) instead of flattening messages.
      dev: true,
    }) as JinjaEnvironment;
    env.jr = new JinjaRuntime(filters, tests, loader.searchPaths);
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

  /** A variable's value compiled as a template (see JinjaValueTemplate). */
  fromValue(source: string, name: string): JinjaTemplate {
    const tmpl = new JinjaValueTemplate(source, this.env, name, false);
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
    return preserveTrailingNewlines(tmpl.tmplStr, this.renderText(tmpl, vars));
  }

  /** As render(), without putting back the trailing newlines Jinja2 drops. */
  renderText(tmpl: JinjaTemplate, vars: Record<string, unknown>): string {
    try {
      return tmpl.render(vars);
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
