import { ModuleError, defineModule, shellQuote, z } from "../../../src/module.js";

// A site's own module for the tests that converge over the local connection: one `key=value`
// line of a file. Written as a site's author writes one, against "do-converge/module" only.

/** The file's text with `key` set to `value` (its line replaced, or appended), or without it. */
export function withKey(text: string, key: string, value: string | undefined): string {
  const lines = text === "" ? [] : text.replace(/\n$/, "").split("\n");
  const at = lines.findIndex((l) => l.startsWith(`${key}=`));
  const out = value === undefined ? lines.filter((_, i) => i !== at) : at < 0 ? [...lines, `${key}=${value}`] : lines.map((l, i) => (i === at ? `${key}=${value}` : l));
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}

export const keyValue = defineModule({
  name: "key_value",
  args: z.object({
    path: z.string().startsWith("/").describe("The file."),
    key: z.string().regex(/^\w+$/).describe("The key."),
    value: z.string().optional().describe("Its value; absent: the key's line is removed."),
  }),
  doc: {
    summary: "One key=value line of a file.",
    example: 'await h.key_value({ path: "/etc/app.conf", key: "port", value: "8080" });',
    diff: "The file before and after.",
  },
  async probe(ctx, a) {
    const r = await ctx.sh.run(`if [ -e ${shellQuote(a.path)} ]; then cat -- ${shellQuote(a.path)}; else exit 3; fi`);
    if (r.rc === 3) return { text: "" };
    if (r.rc !== 0) throw new ModuleError(`cannot read ${a.path}: ${r.stderr.trim()}`, r);
    return { text: r.stdout };
  },
  diff(a, s) {
    const after = withKey(s.text, a.key, a.value);
    if (after === s.text) return undefined;
    return { summary: a.value === undefined ? `remove ${a.key}` : `${a.key}=${a.value}`, diffs: [{ label: a.path, before: s.text, after }] };
  },
  async apply(ctx, a, s) {
    const after = withKey(s.text, a.key, a.value);
    const r = await ctx.sh.run(`cat > ${shellQuote(a.path)}`, { stdin: after });
    if (r.rc !== 0) throw new ModuleError(`cannot write ${a.path}: ${r.stderr.trim()}`, r);
    return { lines: after.split("\n").filter((l) => l !== "").length };
  },
  unchanged: (_a, s) => ({ lines: s.text.split("\n").filter((l) => l !== "").length }),
});
