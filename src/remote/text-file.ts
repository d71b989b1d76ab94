import { RemoteCommandError } from "./errors.js";
import type { FileState } from "./files.js";
import { shellQuote } from "./quote.js";
import type { RemoteShell } from "./shell.js";

/** What an editing module (lineinfile, blockinfile, ini_file, replace, sysctl) needs to know about its file. */
export interface TextFileProbe {
  /** The path to write: a symlink's target when `path` is a link, as Ansible edits the real file. */
  realPath: string;
  /** The real file's type and attributes (no sha256: the content itself is at hand). */
  file: FileState;
  /** The file's bytes; undefined when it does not exist. */
  content?: Buffer;
  /** Whether the directory that would hold a new file exists. */
  parentExists: boolean;
}

/** Files edited line by line are configuration files: beyond this size, refuse instead of shipping them. */
export const MAX_EDIT_BYTES = 4 * 1024 * 1024;

const SEP = "\x1f";

/**
 * The shell script behind probeTextFile, for modules that batch it with reads of their own:
 * run it in a subshell; its output ends without a newline. The resolved path travels as base64:
 * a path may hold a newline, and the answer is split at newlines.
 */
export function textFileScript(path: string, maxBytes = MAX_EDIT_BYTES): string {
  // $( ) drops trailing newlines, a path's own too: the x keeps them, and goes with readlink's.
  return `p=${shellQuote(path)}
r=$(readlink -f -- "$p" && printf x) && r=\${r%?x} && [ -n "$r" ] || r=$p
e=$(printf '%s' "$r" | base64 -w0)
if [ -d "$r" ]; then printf 'directory${SEP}%s' "$e"; exit 0; fi
if [ ! -e "$r" ]; then d=0; [ -d "\${r%/*}/" ] && d=1; printf 'absent${SEP}%s${SEP}%s' "$e" "$d"; exit 0; fi
if [ ! -f "$r" ]; then printf 'other${SEP}%s' "$e"; exit 0; fi
s=$(stat -c '%U${SEP}%G${SEP}%a${SEP}%s' -- "$r") || exit 1
printf 'file${SEP}%s${SEP}%s\\n' "$e" "$s"
if [ "\${s##*${SEP}}" -gt ${maxBytes} ]; then printf toolarge; exit 0; fi
echo content
base64 -w0 < "$r"`;
}

/** Reads textFileScript's output (rc and stderr for the failure message). */
export function parseTextFile(host: string, path: string, r: { stdout: string; stderr: string; rc: number }, maxBytes = MAX_EDIT_BYTES): TextFileProbe {
  if (r.rc !== 0) throw new RemoteCommandError(host, `cannot read ${path}: ${r.stderr.trim()}`);
  const [head = "", marker = "", b64 = ""] = r.stdout.split("\n");
  const f = head.split(SEP);
  const realPath = f[1] ? Buffer.from(f[1], "base64").toString("utf8") : path;
  switch (f[0]) {
    case "directory":
      throw new RemoteCommandError(host, `${path} is a directory`);
    case "other":
      throw new RemoteCommandError(host, `${path} is not a regular file`);
    case "absent":
      return { realPath, file: { type: "absent", path: realPath }, parentExists: f[2] === "1" };
    case "file":
      break;
    default:
      throw new RemoteCommandError(host, `cannot read ${path}: unexpected answer ${JSON.stringify(head.slice(0, 80))}`);
  }
  const [, , owner, group, mode, size] = f;
  if (owner === undefined || group === undefined || mode === undefined || size === undefined) {
    throw new RemoteCommandError(host, `cannot read ${path}: unexpected answer ${JSON.stringify(head.slice(0, 80))}`);
  }
  const file: FileState = { type: "file", path: realPath, owner, group, mode, size: Number(size), sha256: "", target: "" };
  if (marker !== "content") throw new RemoteCommandError(host, `${path} is larger than ${maxBytes} bytes: too large to edit line by line`);
  return { realPath, file, content: Buffer.from(b64, "base64"), parentExists: true };
}

/**
 * Stats a file (following symlinks) and reads its content in one round trip. Fails when the path
 * is a directory or something else than a regular file, or larger than maxBytes.
 */
export async function probeTextFile(sh: RemoteShell, path: string, maxBytes = MAX_EDIT_BYTES): Promise<TextFileProbe> {
  return parseTextFile(sh.host, path, await sh.run(textFileScript(path, maxBytes)), maxBytes);
}

/** Text and how to turn it back into the same bytes. */
export interface DecodedText {
  text: string;
  encoding: "utf8" | "latin1";
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * A file's bytes as text: UTF-8 when valid (the normal case; regexes then see characters), else
 * latin1, which maps each byte to one character so that untouched bytes are written back as
 * they were.
 */
export function decodeText(buf: Buffer): DecodedText {
  try {
    return { text: strictUtf8.decode(buf), encoding: "utf8" };
  } catch {
    return { text: buf.toString("latin1"), encoding: "latin1" };
  }
}

/** Text back to bytes in the file's encoding. */
export function encodeText(text: string, encoding: DecodedText["encoding"]): Buffer {
  return Buffer.from(text, encoding);
}

/**
 * An argument (a line, a block, a pattern) in the file's encoding: in a latin1 (not UTF-8) file,
 * its non-ASCII characters become their UTF-8 bytes, one character each, so that they are written
 * as UTF-8 and match UTF-8 bytes already there: what Ansible, working on bytes, does.
 */
export function asFileText(arg: string, encoding: DecodedText["encoding"]): string {
  return encoding === "utf8" ? arg : Buffer.from(arg, "utf8").toString("latin1");
}

/** Text of the file's encoding for display (--diff): latin1 text shown as the UTF-8 it mostly is. */
export function displayText(text: string, encoding: DecodedText["encoding"]): string {
  return encoding === "utf8" ? text : Buffer.from(text, "latin1").toString("utf8");
}
