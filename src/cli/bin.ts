import { shareEngineWithSite } from "./load-site.js";
import { main } from "./main.js";

// This process loads at most one site: it may share the engine's modules (see shareEngineWithSite).
shareEngineWithSite();
process.exitCode = await main(process.argv, {
  // The template engine is loaded by the commands that converge, when they run.
  templates: async () => (await import("../runner/templates.js")).createTemplateRenderer(),
});
