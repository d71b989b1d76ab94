import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batchScript, parseBatch, runBatch } from "../../../src/fast-path/batch.js";
import { type ReadCommand, RemoteShell } from "../../../src/remote/shell.js";
import { LocalConnection } from "../../../src/transport/local.js";

// A batch must answer each read exactly as the shell would have answered it alone: same stdout
// and stderr to the byte, same exit code, nothing carried from one read to the next.

const reads: ReadCommand[] = [
  { user: undefined, env: undefined, command: "printf 'no newline'" },
  { user: undefined, env: undefined, command: "printf 'a\\nb\\n\\n'" },
  { user: undefined, env: undefined, command: "echo out; echo err >&2; exit 3" },
  { user: undefined, env: undefined, command: "printf '\\377\\000\\n'" },
  { user: undefined, env: undefined, command: "cd / && pwd" },
  { user: undefined, env: undefined, command: "pwd" },
  { user: undefined, env: { DCV_X: "it's $HOME" }, command: 'printf %s "$DCV_X"' },
  { user: undefined, env: undefined, command: 'printf %s "${DCV_X-unset}"' },
  { user: undefined, env: undefined, command: "if then" },
  { user: undefined, env: undefined, command: "cat; echo read-nothing" },
  { user: undefined, env: undefined, command: "echo 'quotes '\"'\"' and __DCV_ marks'" },
  { user: undefined, env: undefined, command: "exit 0" },
];

describe("a batch of reads", () => {
  let sh: RemoteShell;
  beforeAll(async () => {
    sh = await RemoteShell.open(new LocalConnection());
  });
  afterAll(() => sh.close());

  it("answers each read as the shell answers it alone", async () => {
    const alone = [];
    for (const r of reads) {
      sh.env = r.env;
      alone.push(await sh.run(r.command));
    }
    sh.env = undefined;
    const batched = await runBatch(sh, reads);
    expect(batched).toEqual(alone);
    expect(alone[2]).toEqual({ stdout: "out\n", stderr: "err\n", rc: 3 });
    expect(alone[5]?.stdout).not.toBe("/\n");
    expect(alone[7]?.stdout).toBe("unset");
    expect(alone[8]?.rc).not.toBe(0);
  });

  it("leaves nothing behind: its temporary directory is removed", async () => {
    const before = await sh.run("ls -d ${TMPDIR:-/tmp}/tmp.* 2>/dev/null | sort");
    await runBatch(sh, reads);
    expect((await sh.run("ls -d ${TMPDIR:-/tmp}/tmp.* 2>/dev/null | sort")).stdout).toBe(before.stdout);
  });

  it("an output that is not the batch's answers nothing", () => {
    const script = batchScript(reads.slice(0, 2));
    expect(script.split("\n")).toHaveLength(8);
    // Exit codes, then stdout's and stderr's sizes of each read, then their bytes in base64.
    const two = (blob: string, sizes = ["1", "0", "0", "1"]) => ["0 1 ", ...sizes, blob, ""].join("\n");
    expect(parseBatch(two("YWI="), 2)).toEqual([
      { rc: 0, stdout: "a", stderr: "" },
      { rc: 1, stdout: "", stderr: "b" },
    ]);
    expect(parseBatch(two("YWI="), 3)).toBeUndefined();
    expect(parseBatch(`${two("YWI=")}extra\n`, 2)).toBeUndefined();
    expect(parseBatch(two("YWI=", ["1", "0", "0", "2"]), 2)).toBeUndefined(); // the sizes add up to more than the bytes
    expect(parseBatch(two("YWI=", ["1", "0", "0", "x"]), 2)).toBeUndefined();
    expect(parseBatch(two("!!"), 2)).toBeUndefined();
    expect(parseBatch(two("YWI=").replace("0 1 ", "0 1"), 2)).toBeUndefined();
    expect(parseBatch(two("YWI=").replace("0 1 ", "0 - "), 2)).toBeUndefined();
  });

  it("a read's output that looks like the batch's framing is only its output", async () => {
    const framing: ReadCommand[] = [
      { user: undefined, env: undefined, command: "printf '0 0 \\n5\\n0\\nYWI=\\n'" },
      { user: undefined, env: undefined, command: "printf '%s\\n' 1 2 3 >&2; exit 4" },
    ];
    expect(await runBatch(sh, framing)).toEqual([
      { rc: 0, stdout: "0 0 \n5\n0\nYWI=\n", stderr: "" },
      { rc: 4, stdout: "", stderr: "1\n2\n3\n" },
    ]);
  });
});
