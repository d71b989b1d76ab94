import { type TemplateEngine, createTemplateEngine } from "../template/index.js";
import type { TemplateRenderer } from "./options.js";

/**
 * One template engine per search-path list (a role's templates/ before the site's), created on
 * first use and kept for the run, so each template is parsed once however many hosts render it.
 */
export function createTemplateRenderer(): TemplateRenderer {
  const engines = new Map<string, TemplateEngine>();
  return {
    render(searchPaths, name, vars, options) {
      const key = searchPaths.join("\0");
      let engine = engines.get(key);
      if (!engine) {
        engine = createTemplateEngine({ searchPaths: [...searchPaths] });
        engines.set(key, engine);
      }
      return engine.renderFile(name, vars, options);
    },
  };
}
