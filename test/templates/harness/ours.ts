import { renderTemplateCommand } from "../../../src/cli/template-command.js";
import type { TemplateCase } from "./cases.js";

export type Rendering = { ok: true; output: string } | { ok: false; error: string };

/** What `do-converge template render TEMPLATE --vars FILE [-e @FILE] [-i INV --host NAME]` prints (its own code, in-process). */
export async function renderOurs(c: TemplateCase): Promise<Rendering> {
  try {
    const output = await renderTemplateCommand(c.template, {
      ...(c.vars && { vars: [c.vars] }),
      ...(c.extraVars && { extraVars: [`@${c.extraVars}`] }),
      ...(c.inventory && { inventory: [c.inventory] }),
      ...(c.host && { host: c.host }),
    });
    return { ok: true, output };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
