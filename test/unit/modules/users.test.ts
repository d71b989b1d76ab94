import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parseGroupLine, parsePasswdLine } from "../../../src/modules/account-state.js";
import { type UserState, parseUserProbe, planUser, user, userProbeScript } from "../../../src/modules/users.js";

const args = (a: Record<string, unknown>) => user.args.parse({ name: "alice", ...a });

function state(s: Partial<UserState> = {}): UserState {
  return {
    user: { name: "alice", uid: 1001, gid: 1001, comment: "", home: "/home/alice", shell: "/bin/sh" },
    primary: "alice",
    groups: ["alice", "sudo"],
    homeExists: true,
    shadowUnreadable: false,
    refs: new Map([
      ["alice", { name: "alice", gid: 1001, members: [] }],
      ["sudo", { name: "sudo", gid: 27, members: ["alice"] }],
      ["www-data", { name: "www-data", gid: 33, members: [] }],
      ["33", { name: "www-data", gid: 33, members: [] }],
    ]),
    ...s,
  };
}

describe("getent lines", () => {
  it("parses passwd and group entries, and refuses malformed ones", () => {
    expect(parsePasswdLine("deploy:x:1000:1000:Deploy User,,,:/home/deploy:/bin/bash")).toEqual({
      name: "deploy",
      uid: 1000,
      gid: 1000,
      comment: "Deploy User,,,",
      home: "/home/deploy",
      shell: "/bin/bash",
    });
    expect(parsePasswdLine("broken:x:abc:1::/:/bin/sh")).toBeUndefined();
    expect(parseGroupLine("sudo:x:27:deploy,alice")).toEqual({ name: "sudo", gid: 27, members: ["deploy", "alice"] });
    expect(parseGroupLine("empty:x:100:")).toEqual({ name: "empty", gid: 100, members: [] });
    expect(parseGroupLine("")).toBeUndefined();
  });

  it("the probe script, run by /bin/sh here, reads root and resolves groups by name and gid", () => {
    const out = execFileSync("/bin/sh", ["-c", userProbeScript({ name: "root", groups: ["root", 0, "no-such-group-dcv"] })], { encoding: "utf8" });
    const st = parseUserProbe(out);
    expect(st.user).toMatchObject({ name: "root", uid: 0, gid: 0 });
    expect(st.primary).toBe("root");
    expect(st.refs.get("0")?.name).toBe("root");
    expect(st.refs.get("no-such-group-dcv")).toBeUndefined();
    expect(st.hash).toBeUndefined();
  });

  it("an absent user probes as absent", () => {
    const st = parseUserProbe(execFileSync("/bin/sh", ["-c", userProbeScript({ name: "no-such-user-dcv" })], { encoding: "utf8" }));
    expect(st.user).toBeUndefined();
  });
});

describe("planUser", () => {
  it("nothing to do when everything matches", () => {
    expect(planUser(args({ shell: "/bin/sh", groups: ["sudo"] }), state()).changes).toEqual([]);
  });

  it("creates, joining an existing group named after the user", () => {
    const p = planUser(args({ groups: ["sudo", "alice"] }), state({ user: undefined, primary: undefined, groups: [] }));
    expect(p).toMatchObject({ changes: ["create user"], primary: "alice", groups: ["sudo"], createHome: true });
  });

  it("groups: exact by default, added only with append; gids resolve to names", () => {
    expect(planUser(args({ groups: [33] }), state())).toMatchObject({ changes: ["groups sudo -> www-data"], groups: ["www-data"] });
    expect(planUser(args({ groups: [] }), state())).toMatchObject({ changes: ["groups sudo -> (none)"], groups: [] });
    expect(planUser(args({ groups: ["www-data"], append: true }), state())).toMatchObject({ changes: ["add to www-data"], groups: ["www-data"] });
    expect(planUser(args({ groups: ["sudo"], append: true }), state()).changes).toEqual([]);
  });

  it("a missing group fails, except in check mode where an earlier task may create it", () => {
    expect(() => planUser(args({ groups: ["nope"] }), state())).toThrow(/group nope does not exist/);
    expect(planUser(args({ groups: ["nope"] }), state(), true).changes).toEqual(["groups sudo -> nope"]);
  });

  it("passwords: compared by hash, never shown; on_create leaves an existing one; unreadable shadow asks for become", () => {
    const hash = "$6$salt$abc";
    expect(planUser(args({ password: hash }), state({ hash: "$6$salt$old" }))).toMatchObject({ changes: ["password"], setPassword: true });
    expect(planUser(args({ password: hash }), state({ hash })).changes).toEqual([]);
    expect(planUser(args({ password: hash, update_password: "on_create" }), state({ hash: "!" })).changes).toEqual([]);
    expect(() => planUser(args({ password: hash }), state({ shadowUnreadable: true }))).toThrow(/become/);
  });

  it("uid, primary group, shell, home, comment, and a missing home", () => {
    const p = planUser(args({ uid: 1500, group: "www-data", shell: "/bin/bash", home: "/srv/alice", comment: "A" }), state({ homeExists: false }));
    expect(p.changes).toEqual(["uid 1001 -> 1500", "group alice -> www-data", "shell /bin/sh -> /bin/bash", "home /home/alice -> /srv/alice", 'comment "" -> "A"', "create home /srv/alice"]);
  });

  it("refuses a cleartext password and bad names in the arguments", () => {
    expect(user.args.safeParse({ name: "alice", password: "hunter2" }).success).toBe(false);
    expect(user.args.safeParse({ name: "alice", password: "!" }).success).toBe(true);
    expect(user.args.safeParse({ name: "alice", password: "$y$j9T$salt$hash" }).success).toBe(true);
    expect(user.args.safeParse({ name: "-rf" }).success).toBe(false);
    expect(user.args.safeParse({ name: "alice", comment: "a:b" }).success).toBe(false);
  });
});
