import { createTemplateRenderer } from "../runner/templates.js";
import { main } from "./main.js";

process.exitCode = await main(process.argv, { templates: createTemplateRenderer() });
