import { describe, expect, it } from "vitest";
import { render } from "./helpers.js";

// Conversions (Jinja2's int/float/string/round/abs, Ansible's bool and ternary).

describe("conversions", () => {
  it("converts to int and float like Jinja2 (with its '4.2' → 4 quirk and defaults)", () => {
    expect(render("{{ 3.7 | int }} {{ '42' | int }} {{ '4.2' | int }} {{ '0x1F' | int(base=16) }} {{ 'x' | int }} {{ 'x' | int(7) }} {{ true | int }}")).toBe("3 42 4 31 0 7 1");
    expect(render("{{ '4.2' | float }} {{ 3 | float }} {{ 'x' | float }} {{ '1e3' | float }}")).toBe("4.2 3.0 0.0 1000.0");
    expect(render("{{ 42 | string }} {{ [1] | string }} {{ none | string }}")).toBe("42 [1] None");
  });

  it("rounds half to even on the exact binary value, as Python's round()", () => {
    expect(render("{{ 2.5 | round }} {{ 3.5 | round }} {{ 2.675 | round(2) }} {{ 3 | round }} {{ 3.2 | round(method='ceil') }} {{ 3.8 | round(method='floor') }} {{ -3.7 | abs }}")).toBe(
      "2.0 4.0 2.67 3 4.0 3.0 3.7",
    );
  });

  it("converts to bool the way Ansible does", () => {
    expect(render("{{ 'yes' | bool }} {{ 'On' | bool }} {{ '1' | bool }} {{ 1 | bool }} {{ true | bool }} {{ 'off' | bool }} {{ 'no' | bool }} {{ 0 | bool }} {{ 'maybe' | bool }}")).toBe(
      "True True True True True False False False False",
    );
  });

  it("chooses with ternary, including the none branch", () => {
    expect(render("{{ true | ternary('yes', 'no') }} {{ none | ternary('y', 'n', 'null') }} {{ [] | ternary('y', 'n') }} {{ none | ternary('y', 'n') }}")).toBe("yes null n n");
  });

  it("names Python types with type_debug", () => {
    expect(render("{{ 1 | type_debug }} {{ 1.5 | type_debug }} {{ 'a' | type_debug }} {{ [] | type_debug }} {{ {} | type_debug }} {{ none | type_debug }} {{ true | type_debug }}")).toBe(
      "int float str list dict NoneType bool",
    );
  });
});
