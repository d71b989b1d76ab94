import { writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readExtraVars } from "../../../src/cli/extra-vars.js";
import { InventorySyntaxError, YamlInventorySource, loadInventory, readVarsFile } from "../../../src/inventory/index.js";
import { tempTree } from "../inventory/helpers.js";
import { LOCAL_INVENTORY } from "./cli-helpers.js";

const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p))));

/** A vars file of these bytes; what reading it throws (or the variables it holds). */
async function readBytes(content: Buffer): Promise<{ file: string; result: unknown }> {
  const dir = await tempTree({});
  const file = join(dir, "vars.yml");
  writeFileSync(file, content);
  return { file, result: await readVarsFile(file).catch((e: unknown) => e) };
}

describe("vars files that are not text", () => {
  it("a NUL byte is refused at its line and column (it passed silently into the value)", async () => {
    const { file, result } = await readBytes(bytes('a: 1\nb: "x', [0], 'y"\n'));
    expect(result).toBeInstanceOf(InventorySyntaxError);
    expect((result as Error).message).toBe(
      `${file}:2:6: invalid YAML: a NUL byte (U+0000): a binary file? (only tab, line feed and carriage return may appear raw; write "\\x.." escapes in double quotes)`,
    );
  });

  it("other raw control characters too; escapes in double quotes, tabs and CRLF are fine", async () => {
    const { file, result } = await readBytes(bytes("a: 1\nb: ", [0x1b], "[31mred\n"));
    expect((result as Error).message).toMatch(new RegExp(`^${file}:2:4: invalid YAML: the control character U\\+001B `));
    const ok = await readBytes(bytes('nul: "x\\0y"\nesc: "\\x1b"\ntab: "a\tb"\r\ncrlf: yes\r\n'));
    expect(ok.result).toMatchObject({ nul: { value: "x\0y" }, esc: { value: "\x1b" }, tab: { value: "a\tb" }, crlf: { value: true } });
  });

  it.each([
    ["Latin-1 é", bytes("a: 1\nname: caf", [0xe9], "\n"), "2:10", "e9"],
    ["an overlong form", bytes("x: ", [0xc0, 0x80], "\n"), "1:4", "c0"],
    ["a surrogate", bytes("x: ab", [0xed, 0xa0, 0x80], "\n"), "1:6", "ed"],
    ["a sequence cut short at the end", bytes("x: é", [0xe2, 0x82]), "1:5", "e2"],
    ["a byte past U+10FFFF", bytes("x: ", [0xf5, 0x80, 0x80, 0x80], "\n"), "1:4", "f5"],
  ])("invalid UTF-8 is refused at its line and column: %s", async (_what, content, at, byte) => {
    const { file, result } = await readBytes(content);
    expect(result).toBeInstanceOf(InventorySyntaxError);
    expect((result as Error).message).toBe(`${file}:${at}: not UTF-8 text (byte 0x${byte} here): save the file as UTF-8`);
  });

  it("UTF-8 text reads as before: accents, emoji, a byte order mark", async () => {
    const { result } = await readBytes(bytes([0xef, 0xbb, 0xbf], "name: café ☕ 😀\n"));
    expect(result).toEqual({ name: { value: "café ☕ 😀", provenance: expect.objectContaining({ line: 1 }) } });
  });

  it("in group_vars, host_vars and the inventory itself", async () => {
    const dir = await tempTree({ "hosts.yml": LOCAL_INVENTORY });
    const load = () => loadInventory({ sources: [new YamlInventorySource(join(dir, "hosts.yml"))], siteDirs: [dir] });
    await mkdir(join(dir, "group_vars"));
    writeFileSync(join(dir, "group_vars/all.yml"), bytes("x: ", [0], "\n"));
    await expect(load()).rejects.toThrow(`${join(dir, "group_vars/all.yml")}:1:4: invalid YAML: a NUL byte`);
    writeFileSync(join(dir, "group_vars/all.yml"), "x: 1\n");
    await mkdir(join(dir, "host_vars"));
    writeFileSync(join(dir, "host_vars/localhost.yml"), bytes("y: ", [0xff], "\n"));
    await expect(load()).rejects.toThrow(`${join(dir, "host_vars/localhost.yml")}:1:4: not UTF-8 text (byte 0xff here)`);
    writeFileSync(join(dir, "host_vars/localhost.yml"), "y: 2\n");
    writeFileSync(join(dir, "hosts.yml"), bytes("all:\n  hosts:\n    localhost: { ansible_connection: local, z: ", [0xfe], " }\n"));
    await expect(load()).rejects.toThrow(`${join(dir, "hosts.yml")}:3:48: not UTF-8 text (byte 0xfe here)`);
  });

  it("in -e @file", async () => {
    const dir = await tempTree({});
    writeFileSync(join(dir, "extra.yml"), bytes("a: 1\nb: ", [0xc3], "\n"));
    await expect(readExtraVars([`@${join(dir, "extra.yml")}`])).rejects.toThrow(`${join(dir, "extra.yml")}:2:4: not UTF-8 text (byte 0xc3 here)`);
    writeFileSync(join(dir, "extra.yml"), bytes("a: ", [0], "\n"));
    await expect(readExtraVars([`@${join(dir, "extra.yml")}`])).rejects.toThrow(`--extra-vars @${join(dir, "extra.yml")}: ${join(dir, "extra.yml")}:1:4: invalid YAML: a NUL byte`);
  });
});
