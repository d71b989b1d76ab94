import { userInfo } from "node:os";
import { describe, expect, it } from "vitest";
import { RemoteShellError } from "../../../src/remote/errors.js";
import { RemoteShell } from "../../../src/remote/shell.js";
import { LocalConnection } from "../../../src/transport/local.js";
import type { Connection, ProcessChannel } from "../../../src/transport/types.js";

// The shell's opening: it announces itself with its user in one line (no round trip of its own
// for `id -un`), and a become that lands on another user is refused. A real /bin/sh each time.

/** Runs what follows sudo's `--` as the current user: a become that does not change the user, as a misconfigured sudoers rule would. */
class SudoIgnoringConnection implements Connection {
  readonly kind = "local";
  readonly host = "local";
  private readonly local = new LocalConnection("local");
  readonly lost = this.local.lost;

  spawn(command: string): Promise<ProcessChannel> {
    const shell = command.replace(/^exec sudo .* -- /, "exec ");
    return this.local.spawn(shell);
  }

  close(): Promise<void> {
    return this.local.close();
  }
}

describe("RemoteShell.open", () => {
  it("reads the user from the announcement and runs framed commands right after it", async () => {
    const conn = new LocalConnection("local");
    const commands: string[] = [];
    const sh = await RemoteShell.open(conn, undefined, (c) => commands.push(c));
    try {
      // No command ran to learn the user: the first traced command is the test's own.
      expect(commands).toEqual([]);
      const r = await sh.run("id -un; echo err >&2; exit 3");
      expect(r).toEqual({ stdout: `${userInfo().username}\n`, stderr: "err\n", rc: 3 });
      expect(commands).toEqual(["id -un; echo err >&2; exit 3"]);
    } finally {
      sh.close();
      await conn.close();
    }
  });

  it("refuses a become whose shell runs as another user, and closes that shell", async () => {
    const conn = new SudoIgnoringConnection();
    const other = userInfo().username === "nobody" ? "root" : "nobody";
    await expect(RemoteShell.open(conn, { user: other })).rejects.toThrow(new RemoteShellError("local", `become ${other} gave user ${userInfo().username}`));
    await conn.close();
  });
});
