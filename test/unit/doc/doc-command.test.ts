import { describe, expect, it } from "vitest";
import { modules } from "../../../src/modules/registry.js";
import { STACK_TRACE, cli, scratchDir } from "../safety/cli-helpers.js";

// `do-converge doc [MODULE]`, run as an operator runs it.

const dir = scratchDir("doc-command");

describe("do-converge doc", { timeout: 120_000 }, () => {
  it("lists every module with its summary", async () => {
    const r = await cli(dir, ["doc"]);
    expect(r.code, r.stderr).toBe(0);
    const starts = r.stdout.split("\n").map((l) => /^(\w+) +\S/.exec(l)?.[1]);
    expect(starts.filter((s) => s !== undefined).sort()).toEqual(Object.keys(modules).sort());
    expect(r.stdout).toMatch(/^copy +A file's whole content, from text or from a file of the site/m);
    expect(r.stdout).toContain("`do-converge doc MODULE` shows");
  });

  it("prints a module's arguments with their types, defaults, choices and descriptions, then check, diff, fast path and an example", async () => {
    const r = await cli(dir, ["doc", "copy"]);
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(/^copy: h\.copy\(args, meta\?\)\n {2}A file's whole content/);
    expect(out).toContain("  dest: string; required\n      The file to write (absolute path); its directory must exist.\n");
    // A union of string and number (the mode's octal text or its value) as a site writes it.
    expect(out).toContain("  mode: string | integer\n");
    expect(out).toContain("  backup: boolean; default false\n");
    expect(out).toContain("  force: boolean; default true\n      false: leave an existing dest alone, whatever its content.\n");
    expect(out).toContain("CHECK MODE (--check)\n  Supported: the probe reads the host");
    expect(out).toMatch(/DIFF \(--diff\)\n {2}The file's content before and after/);
    expect(out).toContain("FAST PATH\n  The probe reads only this host's own state");
    expect(out).toContain('EXAMPLE\n  await h.copy({ dest: "/etc/motd", content: "Managed by do-converge\\n"');
  });

  it("says which modules are skipped in check mode, which show no diff, and which arguments make a probe live", async () => {
    const command = await cli(dir, ["doc", "command"]);
    expect(command.code, command.stderr).toBe(0);
    expect(command.stdout).toMatch(/CHECK MODE \(--check\)\n {2}A command's effect cannot be predicted: in check mode the task is reported skipped,/);
    expect(command.stdout).toContain("DIFF (--diff)\n  No diff: a change is reported by its one-line summary only.");
    expect(command.stdout).toContain("  argv: string[]\n");

    const apt = await cli(dir, ["doc", "apt"]);
    expect(apt.stdout).toContain('  state: string; default "present"; choices: "present", "absent", "latest"\n');
    expect(apt.stdout).toMatch(/FAST PATH\n {2}The probe is live \(never answered from the play's snapshot\) when deb is given/);

    const uri = await cli(dir, ["doc", "uri"]);
    expect(uri.stdout).toContain("FAST PATH\n  The probe is live: never answered from the play's snapshot");
    const find = await cli(dir, ["doc", "find"]);
    expect(find.stdout).toContain("CHECK MODE (--check)\n  Runs in check mode as in a normal run: it only reads, and never reports a change.");
  });

  it("refuses an unknown module naming the close ones, exit 1, no stack trace", async () => {
    const typo = await cli(dir, ["doc", "coppy"]);
    expect(typo.code).toBe(1);
    expect(typo.stdout).toBe("");
    expect(typo.stderr).toBe('ERROR: no module named "coppy"; did you mean copy? (`do-converge doc` lists every module)\n');
    const family = await cli(dir, ["doc", "mysql"]);
    expect(family.code).toBe(1);
    expect(family.stderr).toMatch(/did you mean (mysql_\w+, ){3}mysql_\w+\?/);
    const nothing = await cli(dir, ["doc", "kubernetes_deployment"]);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toBe('ERROR: no module named "kubernetes_deployment" (`do-converge doc` lists every module)\n');
    for (const r of [typo, family, nothing]) expect(r.stderr).not.toMatch(STACK_TRACE);
  });
});
