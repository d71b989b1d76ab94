import { TemplateValueError } from "../errors.js";
import { keyName, pyKeys, sortedPyKeys } from "../values/dict-keys.js";
import { presentValue } from "../values/hook.js";
import { isMapping, pyTypeName } from "../values/kinds.js";
import { floatRepr, intRepr } from "../values/number-format.js";
import { PyFloat } from "../values/py-float.js";
import { Undefined } from "../values/undefined.js";
import type { YamlEvent } from "./events.js";
import { resolvesToString } from "./resolver.js";

// PyYAML's SafeRepresenter + Serializer for template values: None/bool/int/float/str scalars,
// lists (and tuples) as sequences, dicts as mappings with keys sorted as yaml.dump does by
// default. With default_flow_style=None a collection is written in flow style when all its
// children are scalars, which is what makes to_yaml terse.

export interface RepresentOptions {
  defaultFlowStyle: boolean | null;
  sortKeys: boolean;
  explicitStart: boolean;
  explicitEnd: boolean;
}

type Node =
  | { kind: "scalar"; value: string; implicit: readonly [boolean, boolean] }
  | { kind: "seq"; items: Node[]; flow: boolean }
  | { kind: "map"; items: [Node, Node][]; flow: boolean };

function floatText(x: number): string {
  if (Number.isNaN(x)) return ".nan";
  if (x === Infinity) return ".inf";
  if (x === -Infinity) return "-.inf";
  const r = floatRepr(x).toLowerCase();
  return !r.includes(".") && r.includes("e") ? r.replace("e", ".0e") : r;
}

function represent(raw: unknown, opts: RepresentOptions): Node {
  const v = presentValue(raw);
  if (v instanceof Undefined) throw v.toError();
  // Non-string scalars resolve back to their own tag when plain: implicit = (true, false).
  if (v === null || v === undefined) return { kind: "scalar", value: "null", implicit: [true, false] };
  if (typeof v === "boolean") return { kind: "scalar", value: v ? "true" : "false", implicit: [true, false] };
  if (v instanceof PyFloat) return { kind: "scalar", value: floatText(v.value), implicit: [true, false] };
  if (typeof v === "number") {
    return { kind: "scalar", value: Number.isInteger(v) ? intRepr(v) : floatText(v), implicit: [true, false] };
  }
  if (typeof v === "bigint") return { kind: "scalar", value: v.toString(), implicit: [true, false] };
  if (typeof v === "string" || v instanceof String) {
    const s = String(v);
    return { kind: "scalar", value: s, implicit: [resolvesToString(s), true] };
  }
  if (Array.isArray(v)) {
    const items = v.map((item) => represent(item, opts));
    const best = items.every((n) => n.kind === "scalar");
    return { kind: "seq", items, flow: opts.defaultFlowStyle ?? best };
  }
  if (isMapping(v)) {
    const keys = opts.sortKeys ? sortedPyKeys(pyKeys(v)) : pyKeys(v);
    const items = keys.map((k): [Node, Node] => [represent(k, opts), represent(v[keyName(k)], opts)]);
    const best = items.every(([k, val]) => k.kind === "scalar" && val.kind === "scalar");
    return { kind: "map", items, flow: opts.defaultFlowStyle ?? best };
  }
  throw new TemplateValueError(`cannot represent an object of type '${pyTypeName(v)}' in YAML`);
}

function serialize(node: Node, out: YamlEvent[]): void {
  switch (node.kind) {
    case "scalar":
      out.push({ kind: "Scalar", value: node.value, implicit: node.implicit, style: null });
      return;
    case "seq":
      out.push({ kind: "SequenceStart", flowStyle: node.flow });
      for (const item of node.items) serialize(item, out);
      out.push({ kind: "SequenceEnd" });
      return;
    case "map":
      out.push({ kind: "MappingStart", flowStyle: node.flow });
      for (const [k, val] of node.items) {
        serialize(k, out);
        serialize(val, out);
      }
      out.push({ kind: "MappingEnd" });
      return;
  }
}

export function toEvents(value: unknown, opts: RepresentOptions): YamlEvent[] {
  const events: YamlEvent[] = [{ kind: "StreamStart" }, { kind: "DocumentStart", explicit: opts.explicitStart }];
  serialize(represent(value, opts), events);
  events.push({ kind: "DocumentEnd", explicit: opts.explicitEnd }, { kind: "StreamEnd" });
  return events;
}
