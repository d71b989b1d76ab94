import { describe, expect, it } from "vitest";
import { ini_file } from "../../../src/modules/ini-file.js";
import { replace } from "../../../src/modules/replace.js";

// The arguments of ini_file and replace: what is refused before any host is touched.

const issues = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  r.success ? [] : (r.error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);

describe("ini_file's arguments", () => {
  it("takes Ansible's defaults and a YAML integer as a value", () => {
    const a = ini_file.args.parse({ path: "/etc/php.ini", section: "PHP", option: "max", value: 30 });
    expect(a).toMatchObject({ value: "30", state: "present", exclusive: true, create: true, no_extra_spaces: false, allow_no_value: false, backup: false });
    expect(ini_file.args.parse({ path: "/etc/x.ini", section: null, option: "a", values: ["1", 2] }).values).toEqual(["1", "2"]);
  });

  it("refuses what ini_file would refuse, crash on or mangle", () => {
    expect(issues(ini_file.args.safeParse({ path: "/x", section: "s", option: "a" }))).toEqual(["value: value or values is required with state=present (unless allow_no_value)"]);
    expect(issues(ini_file.args.safeParse({ path: "/x", option: "a", value: "1", values: ["2"] }))).toEqual(["values: value and values are mutually exclusive"]);
    expect(issues(ini_file.args.safeParse({ path: "/x", section: "s", value: "1" }))).toEqual(["option: option is required with value or values"]);
    expect(issues(ini_file.args.safeParse({ path: "/x", state: "absent" }))).toEqual(["option: state=absent needs a section or an option to remove"]);
    expect(issues(ini_file.args.safeParse({ path: "x.ini", section: "s", option: "a", value: "1" }))).toEqual(["path: an absolute path"]);
    expect(issues(ini_file.args.safeParse({ path: "/x", section: "s", option: "a", value: "1", ignore_spaces: true }))).toHaveLength(1);
  });

  it("allows a bare option and a whole section", () => {
    expect(ini_file.args.safeParse({ path: "/x", section: "mysqld", option: "skip-name-resolve", allow_no_value: true }).success).toBe(true);
    expect(ini_file.args.safeParse({ path: "/x", section: "old", state: "absent" }).success).toBe(true);
  });
});

describe("replace's arguments", () => {
  it("replace defaults to the empty string", () => {
    expect(replace.args.parse({ path: "/etc/hosts", regexp: "^x" })).toMatchObject({ replace: "", backup: false });
  });

  it("refuses a pattern Python rejects, naming the argument", () => {
    expect(issues(replace.args.safeParse({ path: "/x", regexp: "(?<k>a)" }))).toEqual(['regexp: invalid regexp "(?<k>a)": unknown extension ?<k']);
    expect(issues(replace.args.safeParse({ path: "/x", regexp: "a", after: "(" }))).toEqual(['after: invalid after "(": missing ), unterminated subpattern']);
    expect(issues(replace.args.safeParse({ path: "/x", regexp: "" }))).toHaveLength(1);
    expect(issues(replace.args.safeParse({ path: "/x", regexp: "a", validate: "check" }))).toEqual(["validate: validate must contain %s (the temporary file)"]);
  });
});
