import { readFileSync } from "node:fs";
import { LineCounter, type Node, parseDocument } from "yaml";
import { asPyYaml } from "../inventory/yaml-document.js";
import { ImportError } from "./errors.js";

/** A role's YAML file parsed as Ansible reads it (YAML 1.1: `yes` is true, `0644` octal), with line numbers. */
export interface YamlFile {
  /** The file relative to the role, as messages and generated comments name it. */
  readonly rel: string;
  readonly doc: ReturnType<typeof parseDocument>;
  /** 1-based line of a node. */
  line(node: Node | null | undefined): number;
}

export function readYamlFile(path: string, rel: string): YamlFile {
  const lines = new LineCounter();
  // PyYAML's YAML 1.1, as Ansible reads a role: `y` and `n` stay text (`N: 1` is a key "N").
  const doc = parseDocument(readFileSync(path, "utf8"), { version: "1.1", lineCounter: lines, uniqueKeys: false, customTags: (tags) => tags.map(asPyYaml) });
  const err = doc.errors[0];
  if (err) throw new ImportError(rel, `not valid YAML: ${err.message.split("\n")[0] ?? ""}`);
  return {
    rel,
    doc,
    line: (node) => (node?.range ? lines.linePos(node.range[0]).line : 0),
  };
}
