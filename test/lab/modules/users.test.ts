import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { Lab } from "../lab.js";
import { DSL, RootShells, type TestSite, changedTasks, everything, explain, total } from "../engine/harness.js";
import { closeSite, openSite } from "./helpers.js";

const skip = labSkipReason();
const HOST = "web2";

// Hashes of "first-secret" and "second-secret" (openssl passwd -6): they must never be printed.
const HASH1 = "$6$dcvsalt1$kSKiRWL2uBgBVvEtg9QKl8FHnPFMy.qpJNsFoBt2O6mHmLY4wS1nedkRFAYLlLnPEgPs3q/2.qLi9NEq8Qsd3/";
const HASH2 = "$6$dcvsalt2$aGPsfwBeoGYW6W46/LVbNpGzFQH.z99KHZ38zuTdfV6z/94YuSTo6yUaAV/Omwf4lQx8QGKFzXYtVLG3P5Wdr1";
const ALICE_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFceNzbTrAHV3S5Hxt3p4hCu7toi/uQBC7Ct8gLraIcY alice@laptop";
const BOB_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK9z4bn9+wC5yVI5EU6zAWVQ0xkfMpdYtYCqOi0muVZq bob@laptop";
const CAROL_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEKLnN/CckHw1ImimLRDNQgLZS8KQx67rElYgCwDtXv9 carol";

const USERS = ["dcvalice", "dcvbob", "dcvgone"];
const GROUPS = ["dcvops", "dcvextra", "dcvgonegroup"];

const SITE = `
import { site, play } from "$DSL";

export default site({
  inventory: ["inventory.yml"],
  plays: [
    play({
      name: "accounts",
      hosts: "all",
      become: true,
      gatherFacts: false,
      tasks: async (h) => {
        await h.group({ name: "dcvops", gid: 23450 });
        await h.group({ name: "dcvextra", system: true });
        await h.user({ name: "dcvalice", uid: 23450, group: "dcvops", groups: ["dcvextra", "users"], shell: "/bin/bash", comment: "Alice Test", password: "${HASH1}" });
        await h.user({ name: "dcvbob", system: true, create_home: false, groups: ["dcvextra"], append: true, shell: "/usr/sbin/nologin" });
        await h.authorized_key({ user: "dcvalice", key: ${JSON.stringify(`${ALICE_KEY}\n${BOB_KEY}\n`)} }, { name: "keys of dcvalice" });
        await h.user({ name: "dcvgone", state: "absent", remove: true });
        await h.group({ name: "dcvgonegroup", state: "absent" });
      },
    }),
  ],
});
`;

// Only carol's key, exclusively; then alice's removed from bob's file.
const KEYS_SITE = `
import { site, play } from "$DSL";

export default site({
  inventory: ["inventory.yml"],
  plays: [
    play({
      name: "keys",
      hosts: "all",
      become: true,
      gatherFacts: false,
      tasks: async (h) => {
        await h.authorized_key({ user: "dcvalice", key: ${JSON.stringify(CAROL_KEY)}, key_options: 'from="10.77.0.0/24",no-pty', exclusive: true }, { name: "exclusive keys" });
        await h.authorized_key({ user: "dcvalice", key: ${JSON.stringify(ALICE_KEY)}, state: "absent" }, { name: "absent key" });
      },
    }),
  ],
});
`;

describe.skipIf(skip !== undefined)("user, group, authorized_key on a real host", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  let site: TestSite;
  const cleanup = () => sh(`${USERS.map((u) => `userdel -r ${u} 2>/dev/null;`).join(" ")} ${GROUPS.map((g) => `groupdel ${g} 2>/dev/null;`).join(" ")} true`);

  beforeAll(async () => {
    site = await openSite(lab, HOST, { "site.ts": SITE, "keys.ts": KEYS_SITE }, async () => {
      await cleanup();
      // Something for the absent tasks to remove.
      await sh("groupadd dcvgonegroup && useradd -m dcvgone");
    });
  });
  afterAll(() => closeSite(root, site, cleanup));

  it("creates groups, users, keys and removes the absent ones; a second converge changes nothing", async () => {
    const first = await site.converge(["--diff", "-vvv"]);
    expect(first.code, explain(first)).toBe(0);
    expect(changedTasks(first)).toEqual(["group dcvops", "group dcvextra", "user dcvalice", "user dcvbob", "keys of dcvalice", "user dcvgone", "group dcvgonegroup"]);

    expect(await sh("getent passwd dcvalice; id -Gn dcvalice | tr ' ' '\\n' | sort | tr '\\n' ' '; echo; getent shadow dcvalice | cut -d: -f2")).toBe(
      `dcvalice:x:23450:23450:Alice Test:/home/dcvalice:/bin/bash\ndcvextra dcvops users \n${HASH1}\n`,
    );
    expect(await sh("getent group dcvops | cut -d: -f3; ls -A /home/dcvalice | sort | tr '\\n' ' '; echo; stat -c '%U:%G' /home/dcvalice")).toBe("23450\n.bash_logout .bashrc .profile .ssh \ndcvalice:dcvops\n");
    expect(await sh("stat -c '%a %U:%G' /home/dcvalice/.ssh /home/dcvalice/.ssh/authorized_keys; cat /home/dcvalice/.ssh/authorized_keys")).toBe(
      `700 dcvalice:dcvops\n600 dcvalice:dcvops\n${ALICE_KEY}\n${BOB_KEY}\n`,
    );
    const bob = (await sh("getent passwd dcvbob; id -Gn dcvbob; test -e /home/dcvbob && echo home || echo nohome")).split("\n");
    expect(Number(bob[0]?.split(":")[2])).toBeLessThan(1000);
    expect(bob[0]).toMatch(/:\/usr\/sbin\/nologin$/);
    expect(bob.slice(1)).toEqual(["dcvbob dcvextra", "nohome", ""]);
    expect(await sh("getent passwd dcvgone; getent group dcvgonegroup; test -e /home/dcvgone && echo home; true")).toBe("");
    // The password hash never shows, not even with -vvv (commands) and --diff.
    expect(everything(site, first)).not.toContain(HASH1);
    expect(first.stdout).toContain("+uid: 23450");

    const second = await site.converge();
    expect(second.code, explain(second)).toBe(0);
    expect(total(second, "changed"), explain(second)).toBe(0);
  });

  it("--check reports drift made by hand and changes nothing; a converge repairs it", async () => {
    await sh(`usermod -s /bin/sh dcvalice && echo 'dcvalice:${HASH2}' | chpasswd -e && groupdel dcvextra`);
    await sh(`echo ${CAROL_KEY} >> /home/dcvalice/.ssh/authorized_keys && chmod 0644 /home/dcvalice/.ssh/authorized_keys`);
    const before = await sh("getent passwd dcvalice; getent shadow dcvalice | cut -d: -f2; id -Gn dcvalice; stat -c %a /home/dcvalice/.ssh/authorized_keys");

    const check = await site.converge(["--check", "--diff"]);
    expect(check.code, explain(check)).toBe(0);
    expect(changedTasks(check)).toEqual(["group dcvextra", "user dcvalice", "user dcvbob", "keys of dcvalice"]);
    expect(check.stdout).toContain("-shell: /bin/sh\n+shell: /bin/bash\n");
    expect(check.stdout).toMatch(/user dcvalice.*shell \/bin\/sh -> \/bin\/bash/);
    expect(check.stdout).toMatch(/password/);
    expect(everything(site, check)).not.toContain(HASH2);
    expect(await sh("getent passwd dcvalice; getent shadow dcvalice | cut -d: -f2; id -Gn dcvalice; stat -c %a /home/dcvalice/.ssh/authorized_keys")).toBe(before);

    const fix = await site.converge();
    expect(fix.code, explain(fix)).toBe(0);
    expect(changedTasks(fix)).toEqual(["group dcvextra", "user dcvalice", "user dcvbob", "keys of dcvalice"]);
    expect(await sh("getent passwd dcvalice | cut -d: -f7; getent shadow dcvalice | cut -d: -f2; id -Gn dcvalice | tr ' ' '\\n' | sort | tr '\\n' ' '; echo; id -Gn dcvbob")).toBe(
      `/bin/bash\n${HASH1}\ndcvextra dcvops users \ndcvbob dcvextra\n`,
    );
    // Not exclusive: the key added by hand stays; the mode is repaired.
    expect(await sh("stat -c %a /home/dcvalice/.ssh/authorized_keys; cat /home/dcvalice/.ssh/authorized_keys")).toBe(`600\n${ALICE_KEY}\n${BOB_KEY}\n${CAROL_KEY}\n`);
    const again = await site.converge();
    expect(total(again, "changed"), explain(again)).toBe(0);
  });

  it("a missing home directory is recreated from /etc/skel", async () => {
    await sh("rm -rf /home/dcvalice");
    const check = await site.converge(["--check"]);
    expect(changedTasks(check)).toEqual(["user dcvalice", "keys of dcvalice"]);
    expect(await sh("test -e /home/dcvalice && echo there || echo gone")).toBe("gone\n");
    const fix = await site.converge();
    expect(fix.code, explain(fix)).toBe(0);
    expect(await sh("ls -A /home/dcvalice | sort | tr '\\n' ' '; echo; stat -c '%a %U:%G' /home/dcvalice")).toBe(".bash_logout .bashrc .profile .ssh \n755 dcvalice:dcvops\n");
  });

  it("exclusive keeps only the given keys, with key_options; state=absent removes a key", async () => {
    const r = await site.converge(["--diff"], { site: "keys.ts" });
    expect(r.code, explain(r)).toBe(0);
    expect(changedTasks(r)).toEqual(["exclusive keys"]);
    expect(await sh("cat /home/dcvalice/.ssh/authorized_keys")).toBe(`from="10.77.0.0/24",no-pty ${CAROL_KEY}\n`);
    const again = await site.converge([], { site: "keys.ts" });
    expect(total(again, "changed"), explain(again)).toBe(0);
  });

  it("refuses a cleartext password without printing it", async () => {
    site.write("bad.ts", SITE.replace(HASH1, "first-secret").replaceAll("$DSL", DSL));
    const r = await site.converge([], { site: "bad.ts" });
    expect(r.code, explain(r)).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/password: a crypt\(3\) hash/);
    expect(r.stdout + r.stderr).not.toContain("first-secret");
  });
});
