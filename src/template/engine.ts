import { type FreeVariable, findFreeVariables } from "./analysis/free-variables.js";
import { TemplateNotFoundError, TemplateSyntaxError } from "./errors.js";
import { TemplateEnvironment, asTemplateError, type JinjaTemplate } from "./environment.js";
import { allFilters } from "./filters/index.js";
import { MissingTemplateError, SearchPathLoader } from "./loader.js";
import type { NodeList } from "./nunjucks/internals.js";
import { parseSource } from "./syntax/compile.js";
import { readHeader } from "./syntax/header.js";
import { ANSIBLE_SYNTAX, type JinjaSyntax, type JinjaSyntaxOptions, syntaxKey, withSyntax } from "./syntax/settings.js";
import { allTests } from "./tests/index.js";

// The public face of the template engine: render a template file or string with variables, or
// check a template (and the templates it names literally) for syntax errors and list the variables
// it needs, before any host is touched. A template at the top of a rendering may start with a
// `#jinja2:` line that changes its syntax; what it includes is read with the same syntax.

export interface TemplateEngineOptions {
  /** Directories where templates — and their includes, imports and parents — are looked up, in order. */
  searchPaths: string[];
}

/**
 * How one rendering reads its template, as the template module's options of the same names
 * (trim_blocks, lstrip_blocks, newline_sequence, the delimiters); the template's own `#jinja2:`
 * line goes on top.
 */
export type RenderOptions = JinjaSyntaxOptions;

export interface TemplateEngine {
  /** Renders `name` (relative to a search path) with `vars`. */
  renderFile(name: string, vars: Record<string, unknown>, options?: RenderOptions): string;
  /** Renders template source; `name` is used in error messages (default "<template>"). */
  renderString(source: string, vars: Record<string, unknown>, name?: string): string;
  /** Parses and compiles `name` and, recursively, the templates it includes, imports or extends by literal name. */
  check(name: string, options?: RenderOptions): void;
  /**
   * The variables `name` reads and does not bind itself, with what it includes, imports with
   * context and extends by literal name (a missing one is skipped: check() reports it).
   */
  freeVariables(name: string, options?: RenderOptions): FreeVariable[];
  /** The templates `name` includes, imports or extends by literal name, directly or through others (those that exist). */
  references(name: string, options?: RenderOptions): string[];
}

class Engine implements TemplateEngine {
  private readonly loader: SearchPathLoader;
  /** One environment per syntax: what an include compiles to depends on the syntax it is read with. */
  private readonly environments = new Map<string, TemplateEnvironment>();
  /** Top-level templates, by syntax of the rendering and name (their header decides their environment). */
  private readonly topLevel = new Map<string, JinjaTemplate>();

  constructor(opts: TemplateEngineOptions) {
    this.loader = new SearchPathLoader([...opts.searchPaths]);
  }

  private environment(syntax: JinjaSyntax): TemplateEnvironment {
    const key = syntaxKey(syntax);
    let env = this.environments.get(key);
    if (env === undefined) {
      env = new TemplateEnvironment(this.loader, allFilters, allTests, syntax);
      this.environments.set(key, env);
    }
    return env;
  }

  /** A template as the top of a rendering: its `#jinja2:` line, if any, read and removed. */
  private compileTopLevel(source: string, name: string, options: RenderOptions | undefined): JinjaTemplate {
    const header = readHeader(source, name);
    const syntax = withSyntax(withSyntax(ANSIBLE_SYNTAX, options), header?.options);
    checkSyntax(syntax, name, header === undefined ? "options" : "#jinja2");
    const env = this.environment(syntax);
    try {
      return env.fromTopLevel(header?.body ?? source, name, header?.lineOffset ?? 0, source);
    } catch (e) {
      throw asTemplateError(e, name);
    }
  }

  private load(name: string, options: RenderOptions | undefined): JinjaTemplate {
    const key = `${syntaxKey(withSyntax(ANSIBLE_SYNTAX, options))}\0${name}`;
    const cached = this.topLevel.get(key);
    if (cached !== undefined) return cached;
    let source: string;
    try {
      source = this.loader.load(name).source;
    } catch (e) {
      if (e instanceof MissingTemplateError) {
        throw new TemplateNotFoundError(name, e.searchPaths, { file: name, line: 0, column: 0 });
      }
      throw asTemplateError(e, name);
    }
    const tmpl = this.compileTopLevel(source, name, options);
    this.topLevel.set(key, tmpl);
    return tmpl;
  }

  /** A template included, imported or extended from `top`: read with top's syntax, its own first line plain text. */
  private loadReferenced(top: JinjaTemplate, name: string): JinjaTemplate {
    const env = this.environment(top.unit().syntax);
    try {
      return env.load(name);
    } catch (e) {
      if (e instanceof MissingTemplateError) {
        throw new TemplateNotFoundError(name, e.searchPaths, { file: name, line: 0, column: 0 });
      }
      throw asTemplateError(e, name);
    }
  }

  renderFile(name: string, vars: Record<string, unknown>, options?: RenderOptions): string {
    const tmpl = this.load(name, options);
    return this.environment(tmpl.unit().syntax).render(tmpl, vars);
  }

  renderString(source: string, vars: Record<string, unknown>, name = "<template>"): string {
    const tmpl = this.compileTopLevel(source, name, undefined);
    return this.environment(tmpl.unit().syntax).render(tmpl, vars);
  }

  check(name: string, options?: RenderOptions): void {
    const top = this.load(name, options);
    const seen = new Set<string>([name]);
    const visit = (tmpl: JinjaTemplate, file: string): void => {
      for (const ref of tmpl.references) {
        if (seen.has(ref.name)) continue;
        seen.add(ref.name);
        let child: JinjaTemplate;
        try {
          child = this.loadReferenced(top, ref.name);
        } catch (e) {
          if (!(e instanceof TemplateNotFoundError)) throw e;
          if (ref.optional) continue;
          throw new TemplateNotFoundError(ref.name, this.loader.searchPaths, { file, line: 0, column: 0 });
        }
        visit(child, ref.name);
      }
    };
    visit(top, name);
  }

  references(name: string, options?: RenderOptions): string[] {
    const seen = new Set<string>();
    let top: JinjaTemplate;
    try {
      top = this.load(name, options);
    } catch (e) {
      if (e instanceof TemplateNotFoundError) return [];
      throw e;
    }
    const visit = (tmpl: JinjaTemplate): void => {
      for (const ref of tmpl.references) {
        if (seen.has(ref.name)) continue;
        seen.add(ref.name);
        try {
          visit(this.loadReferenced(top, ref.name));
        } catch (e) {
          if (!(e instanceof TemplateNotFoundError)) throw e;
        }
      }
    };
    visit(top);
    return [...seen];
  }

  freeVariables(name: string, options?: RenderOptions): FreeVariable[] {
    const top = this.load(name, options);
    const parsed = new Map<string, NodeList | undefined>();
    const parse = (other: string): NodeList | undefined => {
      if (!parsed.has(other)) {
        try {
          parsed.set(other, parseSource(this.loadReferenced(top, other).unit()));
        } catch (e) {
          if (!(e instanceof TemplateNotFoundError)) throw e;
          parsed.set(other, undefined);
        }
      }
      return parsed.get(other);
    };
    const env = this.environment(top.unit().syntax);
    return findFreeVariables(name, parseSource(top.unit()), {
      load: parse,
      // `self` (the template's blocks) is there in every template, as in Jinja2; lookup/query as in Ansible.
      globals: new Set([...Object.keys(env.env.globals), "self", "lookup", "query", "q"]),
      filters: allFilters,
      tests: allTests,
    });
  }
}

/** Delimiters Jinja2 could not tell apart are refused: nothing would say which tag a text opens. */
function checkSyntax(syntax: JinjaSyntax, file: string, from: string): void {
  const starts = [syntax.block_start_string, syntax.variable_start_string, syntax.comment_start_string];
  if (new Set(starts).size < starts.length) {
    throw new TemplateSyntaxError(`${from}: block, variable and comment start strings must be different (${starts.join(" ")})`, { file, line: from === "#jinja2" ? 1 : 0, column: 0 });
  }
}

export function createTemplateEngine(opts: TemplateEngineOptions): TemplateEngine {
  return new Engine(opts);
}
