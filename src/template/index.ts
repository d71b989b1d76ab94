// The template engine: Nunjucks configured to render like Ansible's template module (Jinja2 with
// trim_blocks, kept trailing newline, strict undefined, Ansible's filters and tests).
export { createTemplateEngine, type RenderOptions, type TemplateEngine, type TemplateEngineOptions } from "./engine.js";
export { JinjaSyntaxOptions } from "./syntax/settings.js";
export type { FreeVariable } from "./analysis/free-variables.js";
export {
  TemplateError,
  TemplateSyntaxError,
  UndefinedError,
  TemplateNotFoundError,
  TemplateRuntimeError,
  type SourceLocation,
} from "./errors.js";
export { templateValue, type TemplateValueProvider } from "./values/hook.js";
export { cloneExact, hasExactNumbers, plainOf, withExactValues } from "./values/exact-vars.js";
