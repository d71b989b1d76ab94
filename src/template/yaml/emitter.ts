import type { YamlEvent } from "./events.js";

// A port of PyYAML's Emitter (yaml/emitter.py) for the events template values produce. It is
// deliberately line-for-line close to the original — indentation of block sequences inside
// mappings, flow wrapping past the width, the choice between plain, single- and double-quoted
// scalars and their folding at 80 columns — because to_yaml/to_nice_yaml output is compared
// byte for byte with Ansible's. Strings are handled as arrays of code points, as Python does.
// Where libyaml's emitter (which Ansible uses through CSafeDumper) differs, libyaml wins.

export interface EmitterOptions {
  indent?: number;
  width?: number;
  allowUnicode?: boolean;
}

interface Analysis {
  scalar: string[];
  empty: boolean;
  multiline: boolean;
  allowFlowPlain: boolean;
  allowBlockPlain: boolean;
  allowSingleQuoted: boolean;
  allowBlock: boolean;
}

type ScalarEvent = Extract<YamlEvent, { kind: "Scalar" }>;

const BREAKS = "\n\x85\u2028\u2029";
const SPACE_OR_BREAK = "\0 \t\r\n\x85\u2028\u2029";

const ESCAPE_REPLACEMENTS: Record<string, string> = {
  "\0": "0",
  "\x07": "a",
  "\x08": "b",
  "\x09": "t",
  "\x0A": "n",
  "\x0B": "v",
  "\x0C": "f",
  "\x0D": "r",
  "\x1B": "e",
  '"': '"',
  "\\": "\\",
  "\x85": "N",
  "\xA0": "_",
  "\u2028": "L",
  "\u2029": "P",
};

function isPrintableUnicode(ch: string): boolean {
  return (
    ch === "\x85" ||
    (ch >= "\xA0" && ch <= "\uD7FF") ||
    (ch >= "\uE000" && ch <= "\uFFFD") ||
    (ch.codePointAt(0) ?? 0) >= 0x10000
  ) && ch !== "\uFEFF";
}

export class Emitter {
  private out = "";
  private readonly states: (() => void)[] = [];
  private state: () => void = () => this.expectStreamStart();
  private events: YamlEvent[] = [];
  private event: YamlEvent | null = null;
  private readonly indents: (number | null)[] = [];
  private indent: number | null = null;
  private flowLevel = 0;
  private mappingContext = false;
  private simpleKeyContext = false;
  private column = 0;
  private whitespace = true;
  private indention = true;
  private openEnded = false;
  private readonly bestIndent: number;
  private readonly bestWidth: number;
  private readonly allowUnicode: boolean;
  private analysis: Analysis | null = null;
  private style: string | null = null;

  constructor(opts: EmitterOptions = {}) {
    this.bestIndent = opts.indent !== undefined && opts.indent > 1 && opts.indent < 10 ? opts.indent : 2;
    this.bestWidth = opts.width !== undefined && opts.width > this.bestIndent * 2 ? opts.width : 80;
    this.allowUnicode = opts.allowUnicode ?? true;
  }

  emitAll(events: readonly YamlEvent[]): string {
    this.events = [...events];
    while (this.events.length > 0) {
      this.event = this.events.shift() ?? null;
      this.state();
      this.event = null;
    }
    return this.out;
  }

  private increaseIndent(flow = false, indentless = false): void {
    this.indents.push(this.indent);
    if (this.indent === null) this.indent = flow ? this.bestIndent : 0;
    else if (!indentless) this.indent += this.bestIndent;
  }

  private popState(): void {
    const next = this.states.pop();
    if (next === undefined) throw new Error("YAML emitter: state stack underflow");
    this.state = next;
  }

  private popIndent(): void {
    this.indent = this.indents.pop() ?? null;
  }

  // ---- stream and document ------------------------------------------------------------------

  private expectStreamStart(): void {
    this.state = () => this.expectDocumentStart(true);
  }

  private expectDocumentStart(first: boolean): void {
    const ev = this.event;
    if (ev?.kind === "DocumentStart") {
      const implicit = first && !ev.explicit;
      if (!implicit) {
        this.writeIndent();
        this.writeIndicator("---", true);
      }
      this.state = () => this.expectDocumentRoot();
    } else if (ev?.kind === "StreamEnd") {
      if (this.openEnded) {
        this.writeIndicator("...", true);
        this.writeIndent();
      }
      this.state = () => {
        throw new Error("YAML emitter: expected nothing");
      };
    }
  }

  private expectDocumentEnd(): void {
    const ev = this.event;
    if (ev?.kind !== "DocumentEnd") throw new Error("YAML emitter: expected DocumentEnd");
    this.writeIndent();
    if (ev.explicit) {
      this.writeIndicator("...", true);
      this.writeIndent();
    }
    this.state = () => this.expectDocumentStart(false);
  }

  private expectDocumentRoot(): void {
    this.states.push(() => this.expectDocumentEnd());
    this.expectNode(true, false, false, false);
  }

  // ---- nodes --------------------------------------------------------------------------------

  private expectNode(_root: boolean, _sequence: boolean, mapping: boolean, simpleKey: boolean): void {
    this.mappingContext = mapping;
    this.simpleKeyContext = simpleKey;
    const ev = this.event;
    if (ev?.kind === "Scalar") {
      this.expectScalar();
    } else if (ev?.kind === "SequenceStart") {
      if (this.flowLevel > 0 || ev.flowStyle || this.checkEmptySequence()) this.expectFlowSequence();
      else this.expectBlockSequence();
    } else if (ev?.kind === "MappingStart") {
      if (this.flowLevel > 0 || ev.flowStyle || this.checkEmptyMapping()) this.expectFlowMapping();
      else this.expectBlockMapping();
    } else {
      throw new Error("YAML emitter: expected a node");
    }
  }

  private expectScalar(): void {
    this.increaseIndent(true);
    this.processScalar();
    this.popIndent();
    this.popState();
  }

  // ---- flow collections -----------------------------------------------------------------------

  private expectFlowSequence(): void {
    this.writeIndicator("[", true, true);
    this.flowLevel++;
    this.increaseIndent(true);
    this.state = () => this.expectFlowSequenceItem(true);
  }

  private expectFlowSequenceItem(first: boolean): void {
    if (this.event?.kind === "SequenceEnd") {
      this.popIndent();
      this.flowLevel--;
      this.writeIndicator("]", false);
      this.popState();
      return;
    }
    if (!first) this.writeIndicator(",", false);
    if (this.column > this.bestWidth) this.writeIndent();
    this.states.push(() => this.expectFlowSequenceItem(false));
    this.expectNode(false, true, false, false);
  }

  private expectFlowMapping(): void {
    this.writeIndicator("{", true, true);
    this.flowLevel++;
    this.increaseIndent(true);
    this.state = () => this.expectFlowMappingKey(true);
  }

  private expectFlowMappingKey(first: boolean): void {
    if (this.event?.kind === "MappingEnd") {
      this.popIndent();
      this.flowLevel--;
      this.writeIndicator("}", false);
      this.popState();
      return;
    }
    if (!first) this.writeIndicator(",", false);
    if (this.column > this.bestWidth) this.writeIndent();
    if (this.checkSimpleKey()) {
      this.states.push(() => this.expectFlowMappingSimpleValue());
      this.expectNode(false, false, true, true);
    } else {
      this.writeIndicator("?", true);
      this.states.push(() => this.expectFlowMappingValue());
      this.expectNode(false, false, true, false);
    }
  }

  private expectFlowMappingSimpleValue(): void {
    this.writeIndicator(":", false);
    this.states.push(() => this.expectFlowMappingKey(false));
    this.expectNode(false, false, true, false);
  }

  private expectFlowMappingValue(): void {
    if (this.column > this.bestWidth) this.writeIndent();
    this.writeIndicator(":", true);
    this.states.push(() => this.expectFlowMappingKey(false));
    this.expectNode(false, false, true, false);
  }

  // ---- block collections --------------------------------------------------------------------

  private expectBlockSequence(): void {
    const indentless = this.mappingContext && !this.indention;
    this.increaseIndent(false, indentless);
    this.state = () => this.expectBlockSequenceItem(true);
  }

  private expectBlockSequenceItem(first: boolean): void {
    if (!first && this.event?.kind === "SequenceEnd") {
      this.popIndent();
      this.popState();
      return;
    }
    this.writeIndent();
    this.writeIndicator("-", true, false, true);
    this.states.push(() => this.expectBlockSequenceItem(false));
    this.expectNode(false, true, false, false);
  }

  private expectBlockMapping(): void {
    this.increaseIndent(false);
    this.state = () => this.expectBlockMappingKey(true);
  }

  private expectBlockMappingKey(first: boolean): void {
    if (!first && this.event?.kind === "MappingEnd") {
      this.popIndent();
      this.popState();
      return;
    }
    this.writeIndent();
    if (this.checkSimpleKey()) {
      this.states.push(() => this.expectBlockMappingSimpleValue());
      this.expectNode(false, false, true, true);
    } else {
      this.writeIndicator("?", true, false, true);
      this.states.push(() => this.expectBlockMappingValue());
      this.expectNode(false, false, true, false);
    }
  }

  private expectBlockMappingSimpleValue(): void {
    this.writeIndicator(":", false);
    this.states.push(() => this.expectBlockMappingKey(false));
    this.expectNode(false, false, true, false);
  }

  private expectBlockMappingValue(): void {
    this.writeIndent();
    this.writeIndicator(":", true, false, true);
    this.states.push(() => this.expectBlockMappingKey(false));
    this.expectNode(false, false, true, false);
  }

  // ---- checks --------------------------------------------------------------------------------

  private checkEmptySequence(): boolean {
    return this.event?.kind === "SequenceStart" && this.events[0]?.kind === "SequenceEnd";
  }

  private checkEmptyMapping(): boolean {
    return this.event?.kind === "MappingStart" && this.events[0]?.kind === "MappingEnd";
  }

  private checkSimpleKey(): boolean {
    const ev = this.event;
    let length = 0;
    if (ev?.kind === "Scalar") {
      this.analysis ??= this.analyzeScalar(ev.value);
      length += this.analysis.scalar.length;
    }
    return (
      length < 128 &&
      ((ev?.kind === "Scalar" && this.analysis !== null && !this.analysis.empty && !this.analysis.multiline) ||
        this.checkEmptySequence() ||
        this.checkEmptyMapping())
    );
  }

  // ---- scalars ------------------------------------------------------------------------------

  private scalarEvent(): ScalarEvent {
    const ev = this.event;
    if (ev?.kind !== "Scalar") throw new Error("YAML emitter: expected a scalar");
    return ev;
  }

  private chooseScalarStyle(): string {
    const ev = this.scalarEvent();
    this.analysis ??= this.analyzeScalar(ev.value);
    const a = this.analysis;
    if (ev.style === '"') return '"';
    if (!ev.style && ev.implicit[0]) {
      if (
        !(this.simpleKeyContext && (a.empty || a.multiline)) &&
        ((this.flowLevel > 0 && a.allowFlowPlain) || (this.flowLevel === 0 && a.allowBlockPlain))
      ) {
        return "";
      }
    }
    if (!ev.style || ev.style === "'") {
      if (a.allowSingleQuoted && !(this.simpleKeyContext && a.multiline)) return "'";
    }
    return '"';
  }

  private processScalar(): void {
    const ev = this.scalarEvent();
    this.analysis ??= this.analyzeScalar(ev.value);
    this.style ??= this.chooseScalarStyle();
    const split = !this.simpleKeyContext;
    const text = this.analysis.scalar;
    if (this.style === '"') this.writeDoubleQuoted(text, split);
    else if (this.style === "'") this.writeSingleQuoted(text, split);
    else this.writePlain(text, split);
    this.analysis = null;
    this.style = null;
  }

  private analyzeScalar(value: string): Analysis {
    const scalar = Array.from(value);
    if (scalar.length === 0) {
      return { scalar, empty: true, multiline: false, allowFlowPlain: false, allowBlockPlain: true, allowSingleQuoted: true, allowBlock: false };
    }
    let blockIndicators = false;
    let flowIndicators = false;
    let lineBreaks = false;
    let specialCharacters = false;
    let leadingSpace = false;
    let leadingBreak = false;
    let trailingSpace = false;
    let trailingBreak = false;
    let breakSpace = false;
    let spaceBreak = false;
    if (value.startsWith("---") || value.startsWith("...")) {
      blockIndicators = true;
      flowIndicators = true;
    }
    let precededByWhitespace = true;
    let followedByWhitespace = scalar.length === 1 || SPACE_OR_BREAK.includes(scalar[1] ?? "");
    let previousSpace = false;
    let previousBreak = false;
    for (let index = 0; index < scalar.length; ) {
      const ch = scalar[index] ?? "";
      if (index === 0) {
        if ("#,[]{}&*!|>'\"%@`".includes(ch)) {
          flowIndicators = true;
          blockIndicators = true;
        }
        if ("?:".includes(ch)) {
          flowIndicators = true;
          if (followedByWhitespace) blockIndicators = true;
        }
        if (ch === "-" && followedByWhitespace) {
          flowIndicators = true;
          blockIndicators = true;
        }
      } else {
        if (",?[]{}".includes(ch)) flowIndicators = true;
        if (ch === ":") {
          flowIndicators = true;
          if (followedByWhitespace) blockIndicators = true;
        }
        if (ch === "#" && precededByWhitespace) {
          flowIndicators = true;
          blockIndicators = true;
        }
      }
      if (BREAKS.includes(ch)) lineBreaks = true;
      if (!(ch === "\n" || (ch >= "\x20" && ch <= "\x7E"))) {
        if (isPrintableUnicode(ch)) {
          if (!this.allowUnicode) specialCharacters = true;
        } else {
          specialCharacters = true;
        }
      }
      if (ch === " ") {
        if (index === 0) leadingSpace = true;
        if (index === scalar.length - 1) trailingSpace = true;
        if (previousBreak) breakSpace = true;
        previousSpace = true;
        previousBreak = false;
      } else if (BREAKS.includes(ch)) {
        if (index === 0) leadingBreak = true;
        if (index === scalar.length - 1) trailingBreak = true;
        if (previousSpace) spaceBreak = true;
        previousSpace = false;
        previousBreak = true;
      } else {
        previousSpace = false;
        previousBreak = false;
      }
      index++;
      precededByWhitespace = SPACE_OR_BREAK.includes(ch);
      followedByWhitespace = index + 1 >= scalar.length || SPACE_OR_BREAK.includes(scalar[index + 1] ?? "");
    }
    let allowFlowPlain = true;
    let allowBlockPlain = true;
    let allowSingleQuoted = true;
    let allowBlock = true;
    if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) allowFlowPlain = allowBlockPlain = false;
    if (trailingSpace) allowBlock = false;
    if (breakSpace) allowFlowPlain = allowBlockPlain = allowSingleQuoted = false;
    if (spaceBreak || specialCharacters) allowFlowPlain = allowBlockPlain = allowSingleQuoted = allowBlock = false;
    if (lineBreaks) allowFlowPlain = allowBlockPlain = false;
    if (flowIndicators) allowFlowPlain = false;
    if (blockIndicators) allowBlockPlain = false;
    return { scalar, empty: false, multiline: lineBreaks, allowFlowPlain, allowBlockPlain, allowSingleQuoted, allowBlock };
  }

  // ---- writers ------------------------------------------------------------------------------

  private write(data: string): void {
    this.out += data;
  }

  private writeIndicator(indicator: string, needWhitespace: boolean, whitespace = false, indention = false): void {
    const data = this.whitespace || !needWhitespace ? indicator : ` ${indicator}`;
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
    this.column += Array.from(data).length;
    this.openEnded = false;
    this.write(data);
  }

  private writeIndent(): void {
    const indent = this.indent ?? 0;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.writeLineBreak();
    if (this.column < indent) {
      this.whitespace = true;
      this.write(" ".repeat(indent - this.column));
      this.column = indent;
    }
  }

  private writeLineBreak(data = "\n"): void {
    this.whitespace = true;
    this.indention = true;
    this.column = 0;
    this.write(data);
  }

  private writeText(chars: readonly string[], start: number, end: number): void {
    this.column += end - start;
    this.write(chars.slice(start, end).join(""));
  }

  private writeBreaks(text: readonly string[], start: number, end: number): void {
    for (const br of text.slice(start, end)) this.writeLineBreak(br === "\n" ? "\n" : br);
  }

  private writeSingleQuoted(text: readonly string[], split: boolean): void {
    this.writeIndicator("'", true);
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const ch = end < text.length ? (text[end] ?? null) : null;
      if (spaces) {
        if (ch === null || ch !== " ") {
          if (start + 1 === end && this.column > this.bestWidth && split && start !== 0 && end !== text.length) {
            this.writeIndent();
          } else {
            this.writeText(text, start, end);
          }
          start = end;
        }
      } else if (breaks) {
        if (ch === null || !BREAKS.includes(ch)) {
          if (text[start] === "\n") this.writeLineBreak();
          this.writeBreaks(text, start, end);
          this.writeIndent();
          start = end;
        }
      } else if (ch === null || ` ${BREAKS}`.includes(ch) || ch === "'") {
        if (start < end) {
          this.writeText(text, start, end);
          start = end;
        }
      }
      if (ch === "'") {
        this.column += 2;
        this.write("''");
        start = end + 1;
      }
      if (ch !== null) {
        spaces = ch === " ";
        breaks = BREAKS.includes(ch);
      }
    }
    this.writeIndicator("'", false);
  }

  private writeDoubleQuoted(text: readonly string[], split: boolean): void {
    this.writeIndicator('"', true);
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const ch = end < text.length ? (text[end] ?? null) : null;
      if (
        ch === null ||
        '"\\\x85\u2028\u2029\uFEFF'.includes(ch) ||
        !((ch >= "\x20" && ch <= "\x7E") || (this.allowUnicode && ((ch >= "\xA0" && ch <= "\uD7FF") || (ch >= "\uE000" && ch <= "\uFFFD"))))
      ) {
        if (start < end) {
          this.writeText(text, start, end);
          start = end;
        }
        if (ch !== null) {
          const cp = ch.codePointAt(0) ?? 0;
          const replacement = ESCAPE_REPLACEMENTS[ch];
          const data =
            replacement !== undefined
              ? `\\${replacement}`
              : cp <= 0xff
                ? `\\x${cp.toString(16).toUpperCase().padStart(2, "0")}`
                : cp <= 0xffff
                  ? `\\u${cp.toString(16).toUpperCase().padStart(4, "0")}`
                  : `\\U${cp.toString(16).toUpperCase().padStart(8, "0")}`;
          this.column += data.length;
          this.write(data);
          start = end + 1;
        }
      }
      if (end > 0 && end < text.length - 1 && (ch === " " || start >= end) && this.column + (end - start) > this.bestWidth && split) {
        const data = `${text.slice(start, end).join("")}\\`;
        if (start < end) start = end;
        this.column += Array.from(data).length;
        this.write(data);
        this.writeIndent();
        this.whitespace = false;
        this.indention = false;
        if (text[start] === " ") {
          this.column += 1;
          this.write("\\");
        }
      }
    }
    this.writeIndicator('"', false);
  }

  private writePlain(text: readonly string[], split: boolean): void {
    // PyYAML's Python emitter marks a plain root scalar open-ended (a "..." line follows); Ansible
    // dumps with libyaml's emitter (CSafeDumper) when it is there, as on Debian, and libyaml does not.
    if (text.length === 0) return;
    if (!this.whitespace) {
      this.column += 1;
      this.write(" ");
    }
    this.whitespace = false;
    this.indention = false;
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const ch = end < text.length ? (text[end] ?? null) : null;
      if (spaces) {
        if (ch !== " ") {
          if (start + 1 === end && this.column > this.bestWidth && split) {
            this.writeIndent();
            this.whitespace = false;
            this.indention = false;
          } else {
            this.writeText(text, start, end);
          }
          start = end;
        }
      } else if (breaks) {
        if (ch === null || !BREAKS.includes(ch)) {
          if (text[start] === "\n") this.writeLineBreak();
          this.writeBreaks(text, start, end);
          this.writeIndent();
          this.whitespace = false;
          this.indention = false;
          start = end;
        }
      } else if (ch === null || ` ${BREAKS}`.includes(ch)) {
        this.writeText(text, start, end);
        start = end;
      }
      if (ch !== null) {
        spaces = ch === " ";
        breaks = BREAKS.includes(ch);
      }
    }
  }
}
