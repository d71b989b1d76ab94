import { describe, expect, it } from "vitest";
import { ourModule, argName } from "../../../src/import/module-map.js";
import { modules } from "../../../src/modules/registry.js";
import { editTimezoneFile, filesZone, linkedZone, timezoneFileName } from "../../../src/modules/timezone.js";

describe("timezone without timedatectl (Ansible's Debian way)", () => {
  it("reads /etc/timezone's first word, as Ansible's module does (a comment line is read as '#')", () => {
    expect(timezoneFileName("Europe/Paris\n")).toBe("Europe/Paris");
    expect(timezoneFileName("\n  x\nEtc/UTC extra\n")).toBe("Etc/UTC");
    expect(timezoneFileName("# note\nEtc/UTC\n")).toBe("#");
    expect(timezoneFileName(undefined)).toBeUndefined();
  });

  it("writes the name where the first word line was, dropping the others", () => {
    expect(editTimezoneFile("Europe/Paris\n", "Asia/Tokyo")).toBe("Asia/Tokyo\n");
    expect(editTimezoneFile("", "Asia/Tokyo")).toBe("Asia/Tokyo\n");
    expect(editTimezoneFile("  indented\nA\nB\n", "Asia/Tokyo")).toBe("  indented\nAsia/Tokyo\n");
  });

  it("reads the zone a link names under a zoneinfo directory", () => {
    expect(linkedZone("/usr/share/zoneinfo/Europe/Paris")).toBe("Europe/Paris");
    expect(linkedZone("../usr/share/zoneinfo/Etc/UTC")).toBe("Etc/UTC");
    expect(linkedZone("/etc/zoneinfo/UTC")).toBe("UTC");
    expect(linkedZone("/tmp/zone")).toBe("n/a");
  });

  it("trusts /etc/timezone only when /etc/localtime agrees", () => {
    const link = (l: string) => ({ link: l, exists: true, same: false });
    expect(filesZone("Asia/Tokyo", "Europe/Paris", link("/usr/share/zoneinfo/Asia/Tokyo"))).toBe("Europe/Paris");
    expect(filesZone("Asia/Tokyo", "Asia/Tokyo", link("/usr/share/zoneinfo/Asia/Tokyo"))).toBe("Asia/Tokyo");
    expect(filesZone("Asia/Tokyo", "Asia/Tokyo", link("/usr/share/zoneinfo/Europe/Paris"))).toBe("Europe/Paris");
    expect(filesZone("Asia/Tokyo", "Asia/Tokyo", { link: "/usr/share/zoneinfo/Asia/Tokyo", exists: false, same: false })).toBe("n/a");
    expect(filesZone("Asia/Tokyo", "Asia/Tokyo", { exists: true, same: true })).toBe("Asia/Tokyo");
    expect(filesZone("Asia/Tokyo", "Asia/Tokyo", { exists: true, same: false })).toBe("n/a");
    expect(filesZone("Asia/Tokyo", undefined, { exists: true, same: true })).toBe("n/a");
  });
});

describe("timezone's arguments", () => {
  const problem = (a: Record<string, unknown>) => {
    const r = modules.timezone.args.safeParse(a);
    return r.success ? undefined : r.error.issues[0]?.message;
  };
  it("need a name or hwclock, a zone name and not a path, and nothing else", () => {
    expect(problem({})).toBe("one of name and hwclock is required");
    expect(problem({ name: "Etc/GMT+5" })).toBeUndefined();
    expect(problem({ name: "America/Argentina/Buenos_Aires", hwclock: "UTC" })).toBeUndefined();
    expect(problem({ name: "../../etc/passwd" })).toMatch(/time zone name/);
    expect(problem({ name: "/etc/passwd" })).toMatch(/time zone name/);
    expect(problem({ hwclock: "utc" })).toBeDefined();
    expect(problem({ name: "UTC", ntp: true })).toBeDefined();
  });
  it("map community.general.timezone and its rtc alias", () => {
    expect(ourModule("community.general.timezone")).toBe("timezone");
    expect(argName("timezone", "rtc")).toBe("hwclock");
  });
});
