/**
 * The probe script's output (probe-script.ts) split at its `@@dcv@@ KEY` lines. A key may carry
 * an argument (`net_sys eth0`); `rc:KEY` holds the exit status of the command printed under KEY.
 * Text is kept as printed but for the newline the marker line itself begins with.
 */
export class Sections {
  private readonly byKey = new Map<string, string>();
  readonly keys: string[] = [];

  constructor(out: string) {
    const parts = `\n${out}`.split(/\n@@dcv@@ ([^\n]*)\n/);
    for (let i = 1; i + 1 < parts.length; i += 2) {
      const key = parts[i] ?? "";
      const text = parts[i + 1] ?? "";
      if (!this.byKey.has(key)) this.keys.push(key);
      this.byKey.set(key, text);
    }
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** The section's text, or undefined when the probe did not print it. */
  raw(key: string): string | undefined {
    return this.byKey.get(key);
  }

  /** As Ansible's get_file_content: stripped, and undefined when empty or absent. */
  content(key: string): string | undefined {
    const t = this.byKey.get(key)?.trim();
    return t ? t : undefined;
  }

  /** Non-empty lines of the section. */
  lines(key: string): string[] {
    return (this.byKey.get(key) ?? "").split("\n").filter((l) => l !== "");
  }

  /** The exit status R recorded for the command under `key`; undefined if it did not run. */
  rc(key: string): number | undefined {
    const t = this.byKey.get(`rc:${key}`)?.trim();
    return t === undefined || t === "" ? undefined : Number(t);
  }

  /** The arguments of every section named `name` (`net_sys eth0` → "eth0"), in output order. */
  args(name: string): string[] {
    return this.keys.filter((k) => k.startsWith(`${name} `)).map((k) => k.slice(name.length + 1));
  }
}
