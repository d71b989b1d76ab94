import { renderTemplateCommand, type TemplateRenderOptions } from "../../../src/cli/template-command.js";
import type { TemplateCase } from "./cases.js";

export type Rendering = { ok: true; output: string } | { ok: false; error: string };

/** What `do-converge template render TEMPLATE --vars FILE [-e @FILE] [-i INV --host NAME]` prints (its own code, in-process). */
export async function renderOurs(c: TemplateCase): Promise<Rendering> {
  return renderOursWith(c.template, {
    ...(c.vars && { vars: [c.vars] }),
    ...(c.extraVars && { extraVars: [`@${c.extraVars}`] }),
    ...(c.inventory && { inventory: [c.inventory] }),
    ...(c.host && { host: c.host }),
  });
}

/** The same command with any options: several --vars files (laid on in order) and -i sources. */
export async function renderOursWith(template: string, options: TemplateRenderOptions): Promise<Rendering> {
  try {
    return { ok: true, output: await renderTemplateCommand(template, options) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
