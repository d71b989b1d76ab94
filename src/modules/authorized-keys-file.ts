/**
 * The authorized_keys format (sshd(8) AUTHORIZED_KEYS FILE FORMAT) as Ansible's authorized_key
 * edits it: a key is identified by its base64 blob; the same blob with other options or another
 * comment is replaced in place, other lines (keys, comments, blanks) are kept unless exclusive.
 * Pure: unit-tested without a host.
 */
export interface PublicKey {
  /** sshd options before the key type (`from="10.0.0.1",no-pty`), or "". */
  options: string;
  type: string;
  blob: string;
  comment: string;
}

const KEY_TYPE = /^(ssh-[a-z0-9-]+|ecdsa-sha2-[a-z0-9-]+|sk-[a-z0-9.@-]+|[a-z0-9-]+-cert-v01@openssh\.com)$/;
const BLOB = /^[A-Za-z0-9+/]+={0,3}$/;

/** Splits off the first field; double quotes (in options) keep whitespace inside. */
function field(s: string): [string, string] {
  let quoted = false;
  let i = 0;
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === '"' && s[i - 1] !== "\\") quoted = !quoted;
    else if (!quoted && (c === " " || c === "\t")) break;
  }
  return [s.slice(0, i), s.slice(i).replace(/^[ \t]+/, "")];
}

/** A key line, or undefined for blanks, comments and lines that hold no key. */
export function parseKey(line: string): PublicKey | undefined {
  const s = line.trim();
  if (s === "" || s.startsWith("#")) return undefined;
  let [first, rest] = field(s);
  let options = "";
  if (!KEY_TYPE.test(first)) {
    options = first;
    [first, rest] = field(rest);
    if (!KEY_TYPE.test(first)) return undefined;
  }
  const [blob, comment] = field(rest);
  if (!BLOB.test(blob)) return undefined;
  return { options, type: first, blob, comment: comment.trim() };
}

export function formatKey(k: PublicKey): string {
  return [k.options, k.type, k.blob, k.comment].filter((x) => x !== "").join(" ");
}

/** The keys of a `key` argument (one or several lines); throws on a line that is not a key. */
export function parseKeyArgument(text: string, keyOptions?: string): PublicKey[] {
  const keys: PublicKey[] = [];
  for (const [i, line] of text.split("\n").entries()) {
    if (line.trim() === "" || line.trim().startsWith("#")) continue;
    const k = parseKey(line);
    if (!k) throw new Error(`line ${i + 1} is not a public key (expected "[options] type base64 [comment]")`);
    keys.push(keyOptions !== undefined ? { ...k, options: keyOptions } : k);
  }
  return keys;
}

/**
 * The file's new content, or the old content unchanged (byte for byte) when no key line has to
 * change: a file without a final newline is not "changed" just for that.
 */
export function editAuthorizedKeys(current: string, keys: readonly PublicKey[], state: "present" | "absent", exclusive: boolean): string {
  if (state === "present" && exclusive) {
    const seen = new Set<string>();
    const lines = keys.filter((k) => !seen.has(k.blob) && seen.add(k.blob)).map(formatKey);
    return sameKeys(current, lines) ? current : lines.length ? `${lines.join("\n")}\n` : "";
  }
  const lines = current === "" ? [] : current.replace(/\n$/, "").split("\n");
  let modified = false;
  if (state === "absent") {
    const drop = new Set(keys.map((k) => k.blob));
    const kept = lines.filter((l) => !drop.has(parseKey(l)?.blob ?? ""));
    modified = kept.length !== lines.length;
    return modified ? (kept.length ? `${kept.join("\n")}\n` : "") : current;
  }
  for (const k of keys) {
    const i = lines.findIndex((l) => parseKey(l)?.blob === k.blob);
    if (i < 0) {
      lines.push(formatKey(k));
      modified = true;
    } else if (formatKey(parseKey(lines[i] ?? "") as PublicKey) !== formatKey(k)) {
      lines[i] = formatKey(k);
      modified = true;
    }
  }
  return modified ? `${lines.join("\n")}\n` : current;
}

/** True when current holds exactly these key lines (modulo whitespace and a final newline). */
function sameKeys(current: string, lines: readonly string[]): boolean {
  const now = current.replace(/\n$/, "").split("\n");
  if (now.length !== lines.length) return false;
  return now.every((l, i) => {
    const k = parseKey(l);
    return k !== undefined && formatKey(k) === lines[i];
  });
}
