// The event stream between PyYAML's serializer and emitter, reduced to what template values
// produce: no anchors, aliases, tags or directives.

export type YamlEvent =
  | { kind: "StreamStart" }
  | { kind: "StreamEnd" }
  | { kind: "DocumentStart"; explicit: boolean }
  | { kind: "DocumentEnd"; explicit: boolean }
  | { kind: "Scalar"; value: string; implicit: readonly [boolean, boolean]; style: "" | "'" | '"' | "|" | ">" | null }
  | { kind: "SequenceStart"; flowStyle: boolean }
  | { kind: "SequenceEnd" }
  | { kind: "MappingStart"; flowStyle: boolean }
  | { kind: "MappingEnd" };
