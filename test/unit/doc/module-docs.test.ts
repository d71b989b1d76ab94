import { describe, expect, it } from "vitest";
import { z } from "zod";
import { argumentDocs } from "../../../src/doc/arguments.js";
import { closeMatches } from "../../../src/doc/close-matches.js";
import { ModuleDocMissing, moduleReference } from "../../../src/doc/module-reference.js";
import { modules } from "../../../src/modules/registry.js";

// Every module ships with its reference: a new module without a summary, an example or a
// description on each argument fails here, naming what it lacks.

const all = Object.values(modules);

describe("the modules' reference", () => {
  it("every module has a summary and an example", () => {
    const lacking = all.filter((m) => !m.doc?.summary.trim() || !m.doc.example.trim()).map((m) => m.name);
    expect(lacking, "modules without doc.summary or doc.example").toEqual([]);
  });

  it("every argument of every module is described (.describe() in its schema)", () => {
    const undescribed = all.flatMap((m) => argumentDocs(m.args).filter((a) => !a.description?.trim()).map((a) => `${m.name}.${a.name}`));
    expect(undescribed, "arguments without .describe()").toEqual([]);
    // Arguments are read at all: an empty list would prove nothing.
    expect(argumentDocs(modules.copy.args).map((a) => a.name)).toEqual(["dest", "mode", "owner", "group", "validate", "backup", "force", "follow", "content", "src"]);
  });

  it("an example calls its own module", () => {
    const off = all.filter((m) => !m.doc?.example.includes(`h.${m.name}(`)).map((m) => m.name);
    expect(off).toEqual([]);
  });

  it("a probe whose scope depends on the arguments says which make it live, and only then", () => {
    const wrong = all.filter((m) => (typeof m.probeScope === "function") !== (m.doc?.liveWhen !== undefined)).map((m) => m.name);
    expect(wrong).toEqual([]);
    expect(moduleReference(modules.unarchive).fastPath).toMatch(/^The probe is live \(never answered from the play's snapshot\) when remote_src is true and src is a URL/);
  });

  it("a module without its doc is named, not rendered half", () => {
    const bare = { name: "ufw_rule", args: z.object({ port: z.number() }) };
    expect(() => moduleReference(bare)).toThrow(new ModuleDocMissing("ufw_rule", "doc (summary and example)"));
    const scoped = { ...bare, doc: { summary: "s", example: "e" }, probeScope: () => "live" as const };
    expect(() => moduleReference(scoped)).toThrow(/ufw_rule has no doc.liveWhen/);
  });

  it("command and shell say check mode skips them; modules without diffs say so", () => {
    for (const m of [modules.command, modules.shell]) expect(moduleReference(m).check).toMatch(/reported skipped/);
    expect(moduleReference(modules.mysql_query).diff).toBe("No diff: a change is reported by its one-line summary only.");
    expect(moduleReference(modules.file).diff).toMatch(/^The path's type, owner, group and mode before and after/);
  });
});

describe("argument types read from a zod schema", () => {
  const schema = z
    .strictObject({
      name: z.string().describe("a name"),
      count: z.number().int().min(0).default(3),
      ratio: z.number().optional(),
      mode: z.union([z.string(), z.number().int()]).transform(String).pipe(z.string().regex(/^[0-7]+$/)).optional(),
      state: z.enum(["present", "absent"]).default("present").describe("the state"),
      flag: z.union([z.boolean(), z.literal("auto")]).optional(),
      words: z.union([z.string(), z.array(z.string())]).transform((w) => (Array.isArray(w) ? w : [w])),
      kinds: z.array(z.enum(["a", "b"])).default([]),
      headers: z.record(z.string(), z.string()).optional(),
      tls: z.record(z.string(), z.string().nullable()).nullable().optional(),
      nested: z.object({ host: z.string(), port: z.number().int().optional() }).optional(),
      pre: z.preprocess((v) => (typeof v === "string" ? v.trim() : v), z.string()).optional(),
      later: z.lazy(() => z.boolean()).optional(),
      anything: z.unknown(),
      custom: z.custom<Buffer>((v) => Buffer.isBuffer(v)).optional(),
    })
    .refine((a) => a.name !== "", { message: "a name" })
    .transform((a) => ({ ...a, extra: true }));

  const byName = Object.fromEntries(argumentDocs(schema).map((a) => [a.name, a]));

  it("renders each kind as a site writes it, through refinements and transforms", () => {
    expect(byName.name).toEqual({ name: "name", type: "string", required: true, description: "a name" });
    expect(byName.count).toEqual({ name: "count", type: "integer", required: false, default: "3" });
    expect(byName.ratio).toMatchObject({ type: "number", required: false });
    expect(byName.mode).toMatchObject({ type: "string | integer", required: false });
    expect(byName.state).toEqual({ name: "state", type: "string", required: false, default: '"present"', choices: ['"present"', '"absent"'], description: "the state" });
    expect(byName.flag).toMatchObject({ type: "boolean | string", choices: ['"auto"'] });
    expect(byName.words).toMatchObject({ type: "string | string[]", required: true });
    expect(byName.kinds).toMatchObject({ type: "string[]", default: "[]", choices: ['"a"', '"b"'] });
    expect(byName.headers).toMatchObject({ type: "Record<string, string>" });
    expect(byName.tls).toMatchObject({ type: "Record<string, string | null> | null" });
    expect(byName.nested).toMatchObject({ type: "{ host: string; port?: integer }" });
    expect(byName.pre).toMatchObject({ type: "string" });
    expect(byName.later).toMatchObject({ type: "boolean" });
    expect(byName.anything).toMatchObject({ type: "unknown" });
    expect(byName.custom).toMatchObject({ type: "unknown" });
  });

  it("an argument of only some members of a union is not required", () => {
    const union = z.union([z.object({ argv: z.array(z.string()) }), z.object({ cmd: z.string(), chdir: z.string().optional() })]);
    expect(argumentDocs(union).map((a) => [a.name, a.required])).toEqual([
      ["argv", false],
      ["cmd", false],
      ["chdir", false],
    ]);
  });
});

describe("close matches of a mistyped module name", () => {
  const names = Object.keys(modules);
  it("a typo, a family, a collection-qualified name", () => {
    expect(closeMatches("coppy", names)).toEqual(["copy"]);
    expect(closeMatches("systemd_service", names)).toEqual(["systemd"]);
    // Closest first: the fewest edits away.
    expect(closeMatches("postgresql", names)).toEqual(["postgresql_db", "postgresql_user", "postgresql_privs"]);
    expect(closeMatches("ansible.builtin.lineinfile", names)).toEqual(["lineinfile"]);
    expect(closeMatches("ansible.posix.systemd_servce", names)).toEqual(["systemd"]);
    expect(closeMatches("community.mysql.mysql_usr", names)[0]).toBe("mysql_user");
    expect(closeMatches("kubernetes", names)).toEqual([]);
  });
});
