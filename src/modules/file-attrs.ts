import { type FileState, formatMode, sameMode } from "../remote/files.js";
import { shellQuote } from "../remote/quote.js";

export interface WantedAttrs {
  mode?: string | undefined;
  owner?: string | undefined;
  group?: string | undefined;
}

/** The attribute changes needed on an existing path, as "mode 0644 -> 0600" lines. */
export function attrChanges(state: FileState, want: WantedAttrs): string[] {
  if (state.type === "absent") return [];
  const out: string[] = [];
  if (want.mode && !sameMode(state.mode, want.mode)) out.push(`mode ${formatMode(state.mode)} -> ${formatMode(want.mode)}`);
  if (want.owner && state.owner !== want.owner) out.push(`owner ${state.owner} -> ${want.owner}`);
  if (want.group && state.group !== want.group) out.push(`group ${state.group} -> ${want.group}`);
  return out;
}

/** Shell commands that set the wanted attributes on path (nothing for unset ones). */
export function attrCommands(path: string, want: WantedAttrs): string[] {
  return attrCommandsOn(shellQuote(path), want);
}

/** attrCommands on a shell word already quoted (a variable: "$d"). */
export function attrCommandsOn(p: string, want: WantedAttrs): string[] {
  const out: string[] = [];
  if (want.owner || want.group) out.push(`chown -h -- ${shellQuote(`${want.owner ?? ""}${want.group ? `:${want.group}` : ""}`)} ${p}`);
  if (want.mode) out.push(`chmod -- ${shellQuote(want.mode)} ${p}`);
  return out;
}

/**
 * A path's type and attributes as diff text: what --diff shows for a created directory or a mode
 * change. Attributes that are unknown (not yet created, not asked for) are left out.
 */
export function attrText(type: FileState["type"], attrs: WantedAttrs): string {
  if (type === "absent") return "state: absent\n";
  const lines = [`state: ${type}`];
  if (attrs.owner) lines.push(`owner: ${attrs.owner}`);
  if (attrs.group) lines.push(`group: ${attrs.group}`);
  if (attrs.mode) lines.push(`mode: ${formatMode(attrs.mode)}`);
  return `${lines.join("\n")}\n`;
}

/** The attributes a path has now, with the wanted ones laid over them. */
export function mergedAttrs(state: FileState, want: WantedAttrs): WantedAttrs {
  const now: WantedAttrs = state.type === "absent" ? {} : { owner: state.owner, group: state.group, mode: state.mode };
  return { owner: want.owner ?? now.owner, group: want.group ?? now.group, mode: want.mode ?? now.mode };
}
