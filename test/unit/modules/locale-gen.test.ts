import { describe, expect, it } from "vitest";
import { ourModule } from "../../../src/import/module-map.js";
import { fixCase, isGenerated, localeLines, offeredLocales, setLocales } from "../../../src/modules/locale-gen-edit.js";
import { modules } from "../../../src/modules/registry.js";

// A part of Debian 12's /etc/locale.gen, as the locales package installs it.
const GEN = "# This file lists locales that you wish to have built.\n#\n# de_CH ISO-8859-1\n# de_CH.UTF-8 UTF-8\n# en_GB ISO-8859-1\n# en_GB.ISO-8859-15 ISO-8859-15\n# en_GB.UTF-8 UTF-8\nen_US.UTF-8 UTF-8\n";

describe("locale_gen's reading of /etc/locale.gen and locale -a", () => {
  it("compares names in one spelling of the encoding", () => {
    expect(fixCase("en_US.utf8")).toBe("en_US.UTF-8");
    expect(isGenerated("en_US.UTF-8", "C\nC.utf8\nen_US.utf8\nPOSIX\n")).toBe(true);
    expect(isGenerated("C.UTF-8", "C\nC.utf8\nPOSIX\n")).toBe(true);
    expect(isGenerated("en_GB.UTF-8", "C\nen_US.utf8\n")).toBe(false);
    expect(isGenerated("en_GB.ISO-8859-15", "en_GB.iso885915\n")).toBe(true);
  });

  it("knows the locales the file offers, commented out or not", () => {
    const offered = offeredLocales(GEN);
    expect([...offered]).toEqual(["de_CH", "de_CH.UTF-8", "en_GB", "en_GB.ISO-8859-15", "en_GB.UTF-8", "en_US.UTF-8"]);
  });

  it("tells a locale's enabled line from a commented-out one, by its exact name", () => {
    expect(localeLines(GEN, "en_US.UTF-8")).toEqual({ listed: true, enabled: true });
    expect(localeLines(GEN, "en_GB.UTF-8")).toEqual({ listed: true, enabled: false });
    expect(localeLines(GEN, "en_GB")).toEqual({ listed: true, enabled: false });
    expect(localeLines(GEN, "C.UTF-8")).toEqual({ listed: false, enabled: false });
  });
});

describe("locale_gen's edit of /etc/locale.gen", () => {
  it("enables only the named locales' lines, keeping their charset", () => {
    expect(setLocales(GEN, ["en_GB.UTF-8", "de_CH"], true)).toBe(GEN.replace("# de_CH ISO", "de_CH ISO").replace("# en_GB.UTF-8", "en_GB.UTF-8"));
  });

  it("comments them out as '# NAME CHARSET', and changes nothing already so", () => {
    expect(setLocales(GEN, ["en_US.UTF-8"], false)).toBe(GEN.replace("\nen_US.UTF-8", "\n# en_US.UTF-8"));
    expect(setLocales(GEN, ["en_GB.UTF-8"], false)).toBe(GEN);
    expect(setLocales("#en_GB.UTF-8 UTF-8\n", ["en_GB.UTF-8"], true)).toBe("en_GB.UTF-8 UTF-8\n");
  });
});

describe("locale_gen's arguments", () => {
  it("take a name or a list of names, and a state", () => {
    expect(modules.locale_gen.args.parse({ name: "de_CH.UTF-8" })).toEqual({ name: ["de_CH.UTF-8"], state: "present" });
    expect(modules.locale_gen.args.parse({ name: ["a.UTF-8", "b.UTF-8"], state: "absent" })).toEqual({ name: ["a.UTF-8", "b.UTF-8"], state: "absent" });
    expect(modules.locale_gen.args.safeParse({ name: [] }).success).toBe(false);
    expect(modules.locale_gen.args.safeParse({ name: "en US" }).success).toBe(false);
    expect(modules.locale_gen.args.safeParse({ name: "en_US.UTF-8", charset: "UTF-8" }).success).toBe(false);
    expect(ourModule("community.general.locale_gen")).toBe("locale_gen");
  });
});
