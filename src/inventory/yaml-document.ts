import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type Scalar, type Tags, type YAMLMap, type YAMLSeq } from "yaml";
import { markUnsafe } from "../template/values/unsafe.js";
import { InventoryShapeError, InventorySyntaxError, VarsFileError } from "./errors.js";
import type { Provenance, TrackedValue } from "./provenance.js";
import { firstForbiddenControl } from "./read-text.js";
import { VaultText } from "./vault-values.js";
import { nodeToJS } from "./yaml-aliases.js";
import { exactValue, UNSAFE_TAG } from "./yaml-exact.js";

/** A parsed YAML (or JSON) file that can still say where each node came from. */
export interface YamlFile {
  readonly file: string;
  readonly text: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
}

/** One key of a mapping: the key as text, where it is, and its (alias-resolved) value node. */
export interface MappingEntry {
  readonly key: string;
  readonly at: Provenance;
  readonly value: Node | null;
}

// Inline `!vault` values (ansible-core also reads `!vault-encrypted`) keep their text here; once
// the file is parsed, wrapVaultValues makes each a VaultText that knows its line, and the readers
// of variables decrypt it (see vault-values.ts).
const VAULT_TAGS = ["!vault", "!vault-encrypted"];
const vaultTags: Tags = VAULT_TAGS.map((tag) => ({
  tag,
  resolve(value: string): string {
    return value;
  },
}));

// Ansible's `!unsafe "{{ x }}"`: the string as written. yaml-exact.ts marks it in the value's
// Python form, which is what variable evaluation reads, so it is never templated.
const unsafeTag: Tags[number] = {
  tag: UNSAFE_TAG,
  resolve(value: string): string {
    return value;
  },
};

// An explicit `!!float 3`: PyYAML converts the number text under the tag (float("3") is 3.0); the
// yaml package only accepts text that already looks like a float there. Having no `test`, this
// tag only ever serves explicit tags, never plain scalars.
const explicitFloatTag: Tags[number] = {
  tag: "tag:yaml.org,2002:float",
  resolve(value: string, onError: (message: string) => void): number {
    const text = value.replace(/_/g, "").toLowerCase();
    const sign = text.startsWith("-") ? -1 : 1;
    const body = text.replace(/^[-+]/, "");
    if (body === ".inf") return sign * Infinity;
    if (body === ".nan") return NaN;
    // Sexagesimal (base 60), as YAML 1.1 writes times: 1:30.5 is 90.5.
    const n = body.includes(":") ? body.split(":").reduce((acc, part) => acc * 60 + Number(part), 0) : Number(body);
    if (body === "" || Number.isNaN(n)) onError(`!!float ${value}: not a number`);
    return sign * n;
  },
};

// PyYAML, which Ansible uses, implements YAML 1.1 with two differences from the spec that the
// yaml package follows: `y`/`n` are strings, not booleans, and a float needs a dot (`1e3` and
// `1234e56`, say a short git hash, stay strings).
const PYYAML_TRUE = /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/;
const PYYAML_FALSE = /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/;
const PYYAML_EXP_FLOAT = /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*[eE][-+][0-9]+$/;

export function asPyYaml(tag: Tags[number]): Tags[number] {
  if (typeof tag !== "object" || tag.test === undefined) return tag;
  if (tag.tag === "tag:yaml.org,2002:bool") return { ...tag, test: tag.test.test("yes") ? PYYAML_TRUE : PYYAML_FALSE };
  if (tag.tag === "tag:yaml.org,2002:float" && tag.format === "EXP") return { ...tag, test: PYYAML_EXP_FLOAT };
  return tag;
}

/**
 * Parses with YAML 1.1 rules because Ansible reads inventories with PyYAML (YAML 1.1): `yes`/`no`
 * are booleans, `0644` is octal and `<<` merge keys work, so values match what Ansible would see.
 * `.json` files take 1.2 rules instead, whose core schema is JSON's (Ansible reads them with
 * json.loads first). The first error becomes an InventorySyntaxError at its file:line:col.
 */
export function parseYamlFile(text: string, file: string, dialect: "yaml" | "json" = "yaml"): YamlFile {
  const control = firstForbiddenControl(text);
  if (control !== undefined) {
    const before = text.slice(0, control.offset);
    const line = before.split("\n").length;
    const column = control.offset - before.lastIndexOf("\n");
    const code = `U+${control.char.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
    const what = control.char === "\0" ? `a NUL byte (${code}): a binary file?` : `the control character ${code}`;
    throw new InventorySyntaxError({ file, line, column }, `invalid ${dialect === "json" ? "JSON" : "YAML"}: ${what} (only tab, line feed and carriage return may appear raw; write "\\x.." escapes in double quotes)`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    version: dialect === "json" ? "1.2" : "1.1",
    lineCounter: lines,
    prettyErrors: false,
    // The package's own check compares each key with every earlier key of its mapping: a vars
    // file of 80k keys took minutes. firstDuplicateKey does the same check with a Set.
    uniqueKeys: false,
    // PyYAML's quirks are YAML 1.1's: the JSON dialect's core schema has one bool tag for true and
    // false, which asPyYaml would narrow to false only (`true` read as the string "true").
    customTags: (tags) => (dialect === "yaml" ? [...tags.map(asPyYaml), ...vaultTags, unsafeTag, explicitFloatTag] : [...tags, ...vaultTags, unsafeTag]),
  });
  const y: YamlFile = { file, text, doc, lines };
  const duplicate = firstDuplicateKey(doc);
  const first = doc.errors[0];
  if (first !== undefined && (duplicate === undefined || first.pos[0] <= duplicate)) {
    const at = locateOffset(y, firstTokenAt(text, first.pos[0]));
    if (first.code === "TAG_RESOLVE_FAILED") throw new VarsFileError(at, first.message);
    throw new InventorySyntaxError(at, `invalid ${dialect === "json" ? "JSON" : "YAML"}: ${first.message}`);
  }
  if (duplicate !== undefined) throw new InventorySyntaxError(locateOffset(y, duplicate), `invalid ${dialect === "json" ? "JSON" : "YAML"}: Map keys must be unique`);
  wrapVaultValues(y);
  return y;
}

/**
 * Makes each `!vault` scalar's value a VaultText holding its text and where it starts. On a
 * mapping or a list the tag is an error, as in ansible-core (the yaml package would drop it).
 */
function wrapVaultValues(y: YamlFile): void {
  const isVault = (tag: string | undefined) => tag !== undefined && VAULT_TAGS.includes(tag);
  const notScalar = (node: Node) => {
    throw new VarsFileError(locate(y, node), `${node.tag ?? "!vault"} tags a string (what ansible-vault encrypt_string prints), found ${describe(node)}`);
  };
  visit(y.doc, {
    Scalar(key, node) {
      if (key === "key" || !isVault(node.tag) || typeof node.value !== "string") return;
      node.value = new VaultText(node.value, locate(y, node));
    },
    Map(_key, node) {
      if (isVault(node.tag)) notScalar(node);
    },
    Seq(_key, node) {
      if (isVault(node.tag)) notScalar(node);
    },
  });
}

/**
 * Where the first key that repeats an earlier key of its mapping starts, by the yaml package's
 * rule (scalar keys equal by value; a merge key `<<` is never equal to another), in linear time.
 */
function firstDuplicateKey(doc: Document.Parsed): number | undefined {
  let first: number | undefined;
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = pair.key;
        if (!isScalar(key)) continue;
        const value: unknown = key.value;
        // NaN equals nothing, itself included, in the package's check; a Set would call it equal.
        if (typeof value === "number" && Number.isNaN(value)) continue;
        if (seen.has(value)) {
          const at = key.range?.[0];
          if (at !== undefined && (first === undefined || at < first)) first = at;
          break;
        }
        seen.add(value);
      }
    },
  });
  return first;
}

/**
 * The yaml package reports some errors (a duplicate key after an empty value, a bad indent) at
 * the line break before the offending token; move to the token so the line number is the one
 * the author has to fix.
 */
function firstTokenAt(text: string, offset: number): number {
  if (text[offset] !== "\n" && text[offset] !== "\r") return offset;
  const skipped = /^[\s]*/.exec(text.slice(offset))?.[0].length ?? 0;
  return offset + skipped < text.length ? offset + skipped : offset;
}

export function locateOffset(y: YamlFile, offset: number): Provenance {
  const { line, col } = y.lines.linePos(offset);
  return { file: y.file, line, column: col };
}

/** Where a node starts; the document start when the node is missing (e.g. an empty file). */
export function locate(y: YamlFile, node: Node | null | undefined): Provenance {
  return locateOffset(y, node?.range?.[0] ?? 0);
}

/** Follows an alias to the node it names, so `children: *common` reads like the original. */
export function deref(y: YamlFile, node: unknown): Node | null {
  if (isAlias(node)) return node.resolve(y.doc) ?? null;
  return isMap(node) || isSeq(node) || isScalar(node) ? node : null;
}

/** True for an absent value or an explicit null (`hosts:` with nothing after it). */
export function isNull(node: Node | null): boolean {
  return node === null || (isScalar(node) && node.value === null);
}

/** "a mapping", "a sequence", "a string 'x'", ... for messages about a wrong type. */
export function describe(node: Node | null): string {
  if (isNull(node)) return "null";
  if (isMap(node)) return "a mapping";
  if (isSeq(node)) return "a sequence";
  if (isScalar(node)) {
    const v: unknown = node.value;
    if (typeof v === "string") return `a string '${v}'`;
    return `a ${typeof v} (${String(v)})`;
  }
  return "an unknown node";
}

/**
 * The entries of a mapping node, keys as the text the author wrote: a YAML 1.1 key such as `yes`
 * or `0123` would otherwise turn into `true` or `83`, which no one means as a host or group name.
 */
export function mappingEntries(y: YamlFile, node: Node, keyPath: string): MappingEntry[] {
  if (!isMap(node)) throw new InventoryShapeError(locate(y, node), `expected a mapping, found ${describe(node)}`, keyPath);
  return node.items.map((pair) => {
    const key = checkedKey(y, pair, keyPath);
    return { key: key.text, at: locate(y, key.node), value: deref(y, pair.value) };
  });
}

/**
 * A mapping pair's key as mappingEntries gives it, without where it is: for a reader that never
 * says where (-e @file), whose 200k keys would each hold a position for nothing.
 */
export function mappingKey(y: YamlFile, pair: MapPair, keyPath: string): string {
  return checkedKey(y, pair, keyPath).text;
}

/** A pair's key node, refused unless a plain name, and the text the author wrote for it. */
function checkedKey(y: YamlFile, pair: MapPair, keyPath: string): { node: Scalar; text: string } {
  const keyNode = deref(y, pair.key);
  if (!isScalar(keyNode) || keyNode.value === null || keyNode.range === undefined || keyNode.range === null) {
    throw new InventoryShapeError(locate(y, keyNode), "keys must be plain names", keyPath);
  }
  return { node: keyNode, text: typeof keyNode.value === "string" ? keyNode.value : y.text.slice(keyNode.range[0], keyNode.range[1]) };
}

/** The plain JavaScript value of a node (anchors and merge keys applied). */
export function toValue(y: YamlFile, node: Node | null): unknown {
  if (node === null) return null;
  return nodeToJS(y, node);
}

/** A variable's value as a TrackedValue holds it: plain, and Python-exact when that differs. */
export function toTracked(y: YamlFile, node: Node | null): { value: unknown; exact?: unknown } {
  if ((isMap(node) || isSeq(node)) && node.tag === UNSAFE_TAG) return unsafeCollection(y, node);
  const exact = exactValue(y, node);
  return exact === undefined ? { value: toValue(y, node) } : { value: toValue(y, node), exact };
}

/**
 * toTracked with where the variable was set: a TrackedValue, its keys in that order. Written out,
 * not as `{ ...toTracked(), provenance }`: V8 gives an object made by spreading about three times
 * the memory of a literal one, and a big vars file holds 200k of them.
 */
export function toTrackedValue(y: YamlFile, node: Node | null, provenance: Provenance): TrackedValue {
  const t = toTracked(y, node);
  return t.exact === undefined ? { value: t.value, provenance } : { value: t.value, exact: t.exact, provenance };
}

type MapPair = YAMLMap["items"][number];

/** A plain `<<` key: the yaml package (with merge keys on) gives it a symbol for its value. */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === "symbol" && key.source === "<<";
}

/**
 * A mapping's pairs with `<<` merge keys expanded as PyYAML's flatten_mapping does it, before
 * construction: the merged mappings' pairs first (of a list of them, the first mapping's last, so
 * it wins), then the mapping's own, so that a later key replaces an earlier one.
 */
function mergedPairs(y: YamlFile, node: YAMLMap): MapPair[] {
  const merged: MapPair[] = [];
  const own: MapPair[] = [];
  for (const pair of node.items) {
    const key = pair.key;
    if (!isMergeKey(key)) {
      own.push(pair);
      continue;
    }
    const value = deref(y, pair.value);
    if (isMap(value)) merged.push(...mergedPairs(y, value));
    else if (isSeq(value)) {
      const maps = value.items.map((item) => deref(y, item)).filter((m): m is YAMLMap => isMap(m));
      for (const m of maps.reverse()) merged.push(...mergedPairs(y, m));
    }
  }
  return [...merged, ...own];
}

/**
 * `!unsafe` on a mapping or a list, as Ansible's loader builds it: PyYAML constructs the
 * collection without its nested collections filled in yet (they are filled once the document is
 * done) and wrap_var copies it at once, so every string item is unsafe and every nested mapping
 * or list comes out empty. `m: !unsafe {a: "{{ x }}", b: [1]}` is {'a': '{{ x }}', 'b': []}.
 */
function unsafeCollection(y: YamlFile, node: YAMLMap | YAMLSeq): { value: unknown; exact: unknown } {
  const child = (n: unknown): { value: unknown; exact?: unknown } => {
    const target = isAlias(n) ? n.resolve(y.doc) : n;
    if ((isMap(target) || isSeq(target)) && target.tag !== UNSAFE_TAG) return { value: isMap(target) ? {} : [] };
    return toTracked(y, (target ?? null) as Node | null);
  };
  if (isSeq(node)) {
    const items = node.items.map(child);
    return { value: items.map((i) => i.value), exact: markUnsafe(items.map((i) => i.exact ?? i.value)) };
  }
  const entries = mergedPairs(y, node).map((pair) => [String(toValue(y, deref(y, pair.key as Node | null))), child(pair.value)] as const);
  return {
    value: Object.fromEntries(entries.map(([k, t]) => [k, t.value])),
    exact: markUnsafe(Object.fromEntries(entries.map(([k, t]) => [k, t.exact ?? t.value]))),
  };
}
