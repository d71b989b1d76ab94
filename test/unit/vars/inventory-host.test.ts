import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inventoryCommand } from "../../../src/cli/inventory-command.js";
import { scratchDir } from "../safety/cli-helpers.js";

const dir = scratchDir("vars-inventory-host");

describe("inventory --host with values that are templates", () => {
  it("shows each value evaluated and its expression; a facts-dependent or broken value says so", async () => {
    const file = join(dir, "hosts.yml");
    writeFileSync(
      file,
      `all:
  vars:
    base: example.org
    url: "https://{{ inventory_hostname }}.{{ base }}/"
    mem: "{{ ansible_memtotal_mb // 4 }}"
    broken: "{{ nope }}"
    raw: !unsafe "{{ x }}"
  hosts:
    web1: { ansible_host: "10.0.0.{{ 4 + 1 }}" }
`,
    );
    const { output } = await inventoryCommand(undefined, { inventory: [file], host: "web1", extraVars: ['{"greet": "hi {{ base }}"}'] });
    const line = (name: string) => output.split("\n").find((l) => l.startsWith(`${name}:`)) ?? "";
    expect(line("url")).toMatch(/^url: "https:\/\/web1\.example\.org\/" +# inventory all: \S+hosts\.yml:4  = "https:\/\/\{\{ inventory_hostname \}\}\.\{\{ base \}\}\/"$/);
    expect(line("ansible_host")).toMatch(/^ansible_host: "10\.0\.0\.5" .* = "10\.0\.0\.\{\{ 4 \+ 1 \}\}"$/);
    expect(line("greet")).toMatch(/^greet: "hi example\.org" +# extra vars: --extra-vars  = "hi \{\{ base \}\}"$/);
    expect(line("mem")).toMatch(/^mem: "\{\{ ansible_memtotal_mb \/\/ 4 \}\}" .* a template, evaluated once facts are gathered$/);
    expect(line("broken")).toMatch(/a template, cannot be evaluated: \S+hosts\.yml:6: 'broken' \(\S+hosts\.yml:6\) uses undefined variable 'nope'$/);
    expect(line("raw")).toMatch(/^raw: "\{\{ x \}\}" +# inventory all: \S+hosts\.yml:7$/);
  });

  it("takes -e values in their Python form: a float stays 3.0 and an !unsafe value from -e @file is not templated", async () => {
    const file = join(dir, "typed.yml");
    writeFileSync(file, 'all:\n  vars:\n    shown: "v{{ version }}"\n  hosts:\n    web1: {}\n');
    const extra = join(dir, "extra.yml");
    writeFileSync(extra, "version: 3.0\nliteral: !unsafe '{{ not_a_var }}'\n");
    const { output } = await inventoryCommand(undefined, { inventory: [file], host: "web1", extraVars: [`@${extra}`] });
    const line = (name: string) => output.split("\n").find((l) => l.startsWith(`${name}:`)) ?? "";
    expect(line("shown")).toMatch(/^shown: "v3\.0" /);
    expect(line("literal")).toMatch(/^literal: "\{\{ not_a_var \}\}" +# extra vars: --extra-vars$/);
  });
});
