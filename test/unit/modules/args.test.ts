import { describe, expect, it } from "vitest";
import { FileMode, Mode } from "../../../src/modules/args.js";

describe("Mode: a module's mode argument", () => {
  it("takes an octal string as it is written", () => {
    expect(Mode.parse("0644")).toBe("0644");
    expect(Mode.parse("644")).toBe("644");
    expect(Mode.parse("2770")).toBe("2770");
  });

  it("takes a number as the mode's value, as Ansible takes an int mode", () => {
    expect(Mode.parse(0o644)).toBe("0644");
    // YAML 1.1's 02770, read by Ansible (and do-converge) as the int 1528, through "{{ var }}".
    expect(Mode.parse(1528)).toBe("2770");
    expect(Mode.parse(0)).toBe("0000");
    expect(Mode.parse(0o7777)).toBe("7777");
  });

  it("refuses what is no mode: symbolic, too large, negative", () => {
    for (const bad of ["u+rwx", "0o644", "99999", 0o17777, -1, 6.5]) expect(Mode.safeParse(bad).success, String(bad)).toBe(false);
  });
});

describe("FileMode: the file module's mode", () => {
  it("takes octal text, a number as the mode's value, and symbolic modes; refuses the rest", () => {
    expect(FileMode.parse("0644")).toBe("0644");
    expect(FileMode.parse(1528)).toBe("2770");
    expect(FileMode.parse("g+w")).toBe("g+w");
    expect(FileMode.parse("u=rwX,go=rX")).toBe("u=rwX,go=rX");
    for (const bad of ["0o644", "99999", 0o17777, -1, "q+w", ""]) expect(FileMode.safeParse(bad).success, String(bad)).toBe(false);
  });
});
