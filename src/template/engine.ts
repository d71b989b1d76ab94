import { type FreeVariable, findFreeVariables } from "./analysis/free-variables.js";
import { TemplateNotFoundError } from "./errors.js";
import { TemplateEnvironment, asTemplateError, type JinjaTemplate } from "./environment.js";
import { allFilters } from "./filters/index.js";
import { MissingTemplateError, SearchPathLoader } from "./loader.js";
import type { NodeList } from "./nunjucks/internals.js";
import { parseSource } from "./syntax/compile.js";
import { allTests } from "./tests/index.js";

// The public face of the template engine: render a template file or string with variables, or
// check a template (and the templates it names literally) for syntax errors and list the variables
// it needs, before any host is touched.

export interface TemplateEngineOptions {
  /** Directories where templates — and their includes, imports and parents — are looked up, in order. */
  searchPaths: string[];
}

export interface TemplateEngine {
  /** Renders `name` (relative to a search path) with `vars`. */
  renderFile(name: string, vars: Record<string, unknown>): string;
  /** Renders template source; `name` is used in error messages (default "<template>"). */
  renderString(source: string, vars: Record<string, unknown>, name?: string): string;
  /**
   * Renders a variable's value (a string holding `{{`, `{%` or `{#`) as Ansible's Templar does:
   * backslashes in `{{ }}` string literals are literal, and the text comes back without the
   * trailing newlines Jinja2 drops (the caller converts the text first, then puts them back).
   * Each distinct source is compiled once.
   */
  renderValue(source: string, vars: Record<string, unknown>, name?: string): string;
  /** Parses and compiles `name` and, recursively, the templates it includes, imports or extends by literal name. */
  check(name: string): void;
  /**
   * The variables `name` reads and does not bind itself, with what it includes, imports with
   * context and extends by literal name (a missing one is skipped: check() reports it).
   */
  freeVariables(name: string): FreeVariable[];
  /** The templates `name` includes, imports or extends by literal name, directly or through others (those that exist). */
  references(name: string): string[];
}

class Engine implements TemplateEngine {
  private readonly environment: TemplateEnvironment;
  private readonly values = new Map<string, JinjaTemplate>();

  constructor(opts: TemplateEngineOptions) {
    this.environment = new TemplateEnvironment(new SearchPathLoader([...opts.searchPaths]), allFilters, allTests);
  }

  private load(name: string): JinjaTemplate {
    try {
      return this.environment.load(name);
    } catch (e) {
      if (e instanceof MissingTemplateError) {
        throw new TemplateNotFoundError(name, e.searchPaths, { file: name, line: 0, column: 0 });
      }
      throw asTemplateError(e, name);
    }
  }

  renderFile(name: string, vars: Record<string, unknown>): string {
    return this.environment.render(this.load(name), vars);
  }

  renderString(source: string, vars: Record<string, unknown>, name = "<template>"): string {
    let tmpl: JinjaTemplate;
    try {
      tmpl = this.environment.fromString(source, name);
    } catch (e) {
      throw asTemplateError(e, name);
    }
    return this.environment.render(tmpl, vars);
  }

  renderValue(source: string, vars: Record<string, unknown>, name = "<value>"): string {
    const key = `${name}\0${source}`;
    let tmpl = this.values.get(key);
    if (tmpl === undefined) {
      try {
        tmpl = this.environment.fromValue(source, name);
      } catch (e) {
        throw asTemplateError(e, name);
      }
      this.values.set(key, tmpl);
    }
    return this.environment.renderText(tmpl, vars);
  }

  check(name: string): void {
    const seen = new Set<string>();
    const visit = (current: string, from?: { file: string }): void => {
      if (seen.has(current)) return;
      seen.add(current);
      let tmpl: JinjaTemplate;
      try {
        tmpl = this.load(current);
      } catch (e) {
        if (e instanceof TemplateNotFoundError && from !== undefined) {
          throw new TemplateNotFoundError(current, this.environment.loader.searchPaths, { file: from.file, line: 0, column: 0 });
        }
        throw e;
      }
      for (const ref of tmpl.references) {
        try {
          visit(ref.name, { file: current });
        } catch (e) {
          if (!(ref.optional && e instanceof TemplateNotFoundError)) throw e;
        }
      }
    };
    visit(name);
  }

  references(name: string): string[] {
    const seen = new Set<string>();
    const visit = (current: string): void => {
      let tmpl: JinjaTemplate;
      try {
        tmpl = this.load(current);
      } catch (e) {
        if (e instanceof TemplateNotFoundError) return;
        throw e;
      }
      for (const ref of tmpl.references) {
        if (seen.has(ref.name)) continue;
        seen.add(ref.name);
        visit(ref.name);
      }
    };
    visit(name);
    return [...seen];
  }

  freeVariables(name: string): FreeVariable[] {
    const parsed = new Map<string, NodeList | undefined>();
    const parse = (other: string): NodeList | undefined => {
      if (!parsed.has(other)) {
        try {
          parsed.set(other, parseSource(this.load(other).tmplStr));
        } catch (e) {
          if (!(e instanceof TemplateNotFoundError)) throw e;
          parsed.set(other, undefined);
        }
      }
      return parsed.get(other);
    };
    return findFreeVariables(name, parseSource(this.load(name).tmplStr), {
      load: parse,
      // `self` (the template's blocks) is there in every template, as in Jinja2; lookup/query as in Ansible.
      globals: new Set([...Object.keys(this.environment.env.globals), "self", "lookup", "query", "q"]),
      filters: allFilters,
      tests: allTests,
    });
  }
}

export function createTemplateEngine(opts: TemplateEngineOptions): TemplateEngine {
  return new Engine(opts);
}
