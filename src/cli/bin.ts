import { main } from "./main.js";

process.exitCode = await main(process.argv, {
  // The template engine is loaded by the commands that converge, when they run.
  templates: async () => (await import("../runner/templates.js")).createTemplateRenderer(),
});
