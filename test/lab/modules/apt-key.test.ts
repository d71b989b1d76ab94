import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { type Converge, RootShells, type TestSite, changedTasks, explain, total } from "../engine/harness.js";
import { Lab } from "../lab.js";
import { closeSite, openSite, playSite } from "./helpers.js";

// apt_signing_key with Ansible's apt_key arguments (url, id, data, file, keyring, state absent) on
// spare1, with keyrings and a directory no other test uses. Keys are made here by gpg, served
// over the lab bridge, and checked here by gpg (and on the host by gpgv, which apt runs).

const skip = labSkipReason();
const HOST = "spare1";
const DIR = "/srv/dcv-aptkey";
const KEYRING = "/etc/apt/keyrings/dcv-ak.gpg";
const TRUSTED = "/etc/apt/trusted.gpg.d";

interface Key {
  armored: string;
  binary: Buffer;
  fpr: string;
}

describe.skipIf(skip !== undefined)("apt_key (apt_signing_key) on a real host", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  let site: TestSite;
  let server: Server;
  let base = "";
  let home = "";
  const keys: Record<"a" | "b" | "c", Key> = {} as Record<"a" | "b" | "c", Key>;
  let signedByB = { data: "", sig: Buffer.alloc(0) };
  const requests = new Map<string, number>();
  const count = (p: string) => requests.get(p) ?? 0;
  const gpg = (...args: string[]) => execFileSync("gpg", ["--batch", "--quiet", "--homedir", home, "--pinentry-mode", "loopback", "--passphrase", "", ...args]);
  const failedMsg = (r: Converge) => r.report?.tasks.find((t) => t.status === "failed")?.msg ?? "";
  /** The fingerprints in a keyring file on the host, as gpg (here) reads them. */
  const fingerprintsIn = async (path: string) => {
    const b64 = (await sh(`base64 -w0 < ${path}`)).trim();
    const shown = execFileSync("gpg", ["--batch", "--homedir", home, "--with-colons", "--show-keys"], { input: Buffer.from(b64, "base64") }).toString();
    return shown
      .split("\n")
      .filter((l, i, all) => l.startsWith("fpr:") && all[i - 1]?.startsWith("pub:"))
      .map((l) => l.split(":")[9]);
  };
  const longId = (k: Key) => k.fpr.slice(-16);

  const SITE = () =>
    playSite(
      "apt keys",
      { BASE: base, DIR, KEYRING, A: keys.a.armored, B_FPR: keys.b.fpr, A_LONG: longId(keys.a) },
      `
    await h.apt_signing_key({ url: BASE + "/keys/a.asc", keyring: KEYRING }, { name: "a by url" });
    await h.apt_signing_key({ url: BASE + "/keys/b.asc", id: B_FPR, keyring: KEYRING }, { name: "b by id" });
    await h.apt_signing_key({ content: A, id: "0x" + A_LONG.toLowerCase() }, { name: "a trusted" });
    await h.apt_signing_key({ file: DIR + "/c.gpg" }, { name: "c from the host" });
`,
    );
  const REMOVE = () =>
    playSite(
      "apt keys removed",
      { KEYRING, B_FPR: keys.b.fpr, A_LONG: longId(keys.a), C_SHORT: keys.c.fpr.slice(-8) },
      `
    await h.apt_signing_key({ id: B_FPR, keyring: KEYRING, state: "absent" }, { name: "b out of the keyring" });
    await h.apt_signing_key({ id: A_LONG, state: "absent" }, { name: "a untrusted" });
    await h.apt_signing_key({ id: C_SHORT, state: "absent" }, { name: "c untrusted" });
`,
    );
  const one = (tasks: string) => playSite("apt key one-off", { BASE: base, KEYRING, B_FPR: keys.b.fpr }, tasks);

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "dcv-gpg-"));
    for (const n of ["a", "b", "c"] as const) {
      const uid = `dcv apt_key ${n} <${n}@example.invalid>`;
      gpg("--quick-gen-key", uid, "ed25519", "sign", "never");
      const fpr = gpg("--with-colons", "--fingerprint", uid).toString().split("\n").find((l) => l.startsWith("fpr:"))?.split(":")[9] ?? "";
      keys[n] = { armored: gpg("--armor", "--export", uid).toString(), binary: gpg("--export", uid), fpr };
    }
    const data = "signed by b\n";
    signedByB = { data, sig: execFileSync("gpg", ["--batch", "--quiet", "--homedir", home, "--local-user", "b@example.invalid", "--detach-sign"], { input: data }) };
    server = createServer((req, res) => {
      const path = req.url ?? "";
      requests.set(path, count(path) + 1);
      if (path === "/keys/a.asc") return void res.end(keys.a.armored);
      if (path === "/keys/b.asc") return void res.end(keys.b.armored);
      // A key server (HKP): b by its fingerprint; for c's, a lying one that answers with b.
      const lookup = /^\/pks\/lookup\?op=get&options=mr&search=0x([0-9A-F]+)$/.exec(path);
      if (lookup?.[1] === keys.b.fpr || lookup?.[1] === keys.c.fpr) return void res.writeHead(200, { "content-type": "application/pgp-keys" }).end(keys.b.armored);
      if (lookup) return void res.writeHead(404).end("No results found\n");
      res.writeHead(404).end("not here\n");
    });
    await new Promise<void>((resolve) => server.listen(0, lab.topology.gatewayPrivate, resolve));
    base = `http://${lab.topology.gatewayPrivate}:${(server.address() as AddressInfo).port}`;
    site = await openSite(lab, HOST, {}, async () => {
      await cleanUp();
      await sh(`mkdir -p ${DIR} && printf %s ${keys.c.binary.toString("base64")} | base64 -d > ${DIR}/c.gpg`);
    });
    site.write("site.ts", SITE());
    site.write("remove.ts", REMOVE());
  });
  const cleanUp = () => sh(`rm -rf ${DIR} /etc/apt/keyrings/dcv-ak*; rm -f ${Object.values(keys).map((k) => `${TRUSTED}/${k.fpr}.asc ${TRUSTED}/${k.fpr.slice(-16)}.asc`).join(" ")}`);
  afterAll(async () => {
    server?.close();
    await closeSite(root, site, cleanUp);
    spawnSync("gpgconf", ["--homedir", home, "--kill", "gpg-agent"]);
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it("puts keys in a shared binary keyring (gpgv verifies with it) and in trusted.gpg.d; a second converge changes nothing and does not download a key it has by id", async () => {
    const first = await site.converge(["--diff"]);
    expect(first.code, explain(first)).toBe(0);
    expect(changedTasks(first)).toEqual(["a by url", "b by id", "a trusted", "c from the host"]);
    expect(first.stdout).toContain(`changed: [spare1] a trusted (create ${TRUSTED}/${longId(keys.a)}.asc)`);
    expect(await fingerprintsIn(KEYRING)).toEqual([keys.a.fpr, keys.b.fpr]);
    expect(await sh(`cat ${TRUSTED}/${longId(keys.a)}.asc`)).toBe(keys.a.armored);
    // The binary key from the host's file, armored for trusted.gpg.d (apt reads .asc there).
    expect(await sh(`head -1 ${TRUSTED}/${keys.c.fpr}.asc; stat -c %a ${KEYRING} ${TRUSTED}/${keys.c.fpr}.asc`)).toBe("-----BEGIN PGP PUBLIC KEY BLOCK-----\n644\n644\n");
    expect(await fingerprintsIn(`${TRUSTED}/${keys.c.fpr}.asc`)).toEqual([keys.c.fpr]);
    await sh(`printf %s ${Buffer.from(signedByB.data).toString("base64")} | base64 -d > ${DIR}/data; printf %s ${signedByB.sig.toString("base64")} | base64 -d > ${DIR}/data.sig`);
    expect(await sh(`gpgv --keyring ${KEYRING} ${DIR}/data.sig ${DIR}/data >/dev/null 2>&1 && echo good || echo bad`)).toBe("good\n");

    const before = { a: count("/keys/a.asc"), b: count("/keys/b.asc") };
    const second = await site.converge();
    expect(second.code, explain(second)).toBe(0);
    expect(total(second, "changed"), explain(second)).toBe(0);
    // Without id the key is fetched to compare (as Ansible); with its id present, it is not.
    expect(count("/keys/a.asc")).toBe(before.a + 1);
    expect(count("/keys/b.asc")).toBe(before.b);
  });

  it("a key removed from the keyring by hand: --check --diff reports it and changes nothing; the next converge puts it back", async () => {
    await sh(`printf %s ${keys.a.binary.toString("base64")} | base64 -d > ${KEYRING}`);
    const check = await site.converge(["--check", "--diff"]);
    expect(check.code, explain(check)).toBe(0);
    expect(changedTasks(check)).toEqual(["b by id"]);
    expect(check.stdout).toContain(`+key ${keys.b.fpr}\n`);
    expect(await fingerprintsIn(KEYRING)).toEqual([keys.a.fpr]);
    const fix = await site.converge();
    expect(changedTasks(fix)).toEqual(["b by id"]);
    expect(await fingerprintsIn(KEYRING)).toEqual([keys.a.fpr, keys.b.fpr]);
  });

  it("state absent takes a key out of a keyring, and out of whichever trusted keyring holds it; once", async () => {
    const gone = await site.converge(["--diff"], { site: "remove.ts" });
    expect(gone.code, explain(gone)).toBe(0);
    expect(changedTasks(gone)).toEqual(["b out of the keyring", "a untrusted", "c untrusted"]);
    expect(await fingerprintsIn(KEYRING)).toEqual([keys.a.fpr]);
    expect(await sh(`ls ${TRUSTED} | grep -c -e ${keys.a.fpr.slice(-16)} -e ${keys.c.fpr} || true`)).toBe("0\n");
    const again = await site.converge([], { site: "remove.ts" });
    expect(total(again, "changed"), explain(again)).toBe(0);
  });

  it("keyserver: the key fetched by HKP from a server on the lab bridge, verified by its fingerprint; once; drift repaired; a lying server refused", async () => {
    const ksSite = (id: string, keyring: string) => playSite("apt key from a key server", { KS: base.replace(/^http:/, "hkp:"), ID: id, KEYRING: keyring }, `    await h.apt_signing_key({ keyserver: KS, id: ID, keyring: KEYRING }, { name: "from the key server" });`);
    const ring = "/etc/apt/keyrings/dcv-ak-ks.gpg";
    const lookup = `/pks/lookup?op=get&options=mr&search=0x${keys.b.fpr}`;
    site.write("ks.ts", ksSite(keys.b.fpr, ring));
    const first = await site.converge([], { site: "ks.ts" });
    expect(first.code, explain(first)).toBe(0);
    expect(changedTasks(first)).toEqual(["from the key server"]);
    expect(await fingerprintsIn(ring)).toEqual([keys.b.fpr]);
    expect(count(lookup)).toBe(1);
    const second = await site.converge([], { site: "ks.ts" });
    expect(total(second, "changed"), explain(second)).toBe(0);
    // The key is there by its id: the server is not asked again.
    expect(count(lookup)).toBe(1);

    await sh(`printf %s ${keys.a.binary.toString("base64")} | base64 -d > ${ring}`);
    const check = await site.converge(["--check", "--diff"], { site: "ks.ts" });
    expect(changedTasks(check)).toEqual(["from the key server"]);
    expect(check.stdout).toContain(`+key ${keys.b.fpr}\n`);
    expect(await fingerprintsIn(ring)).toEqual([keys.a.fpr]);
    const fix = await site.converge([], { site: "ks.ts" });
    expect(changedTasks(fix)).toEqual(["from the key server"]);
    expect(await fingerprintsIn(ring)).toEqual([keys.a.fpr, keys.b.fpr]);

    site.write("ks-wrong.ts", ksSite(keys.c.fpr, "/etc/apt/keyrings/dcv-ak-ks-wrong.gpg"));
    const wrong = await site.converge([], { site: "ks-wrong.ts" });
    expect(failedMsg(wrong)).toBe(`key server ${base.replace(/^http:/, "hkp:")} answered for ${keys.c.fpr} with ${keys.b.fpr}: not that key, refused`);
    expect(await sh("test -e /etc/apt/keyrings/dcv-ak-ks-wrong.gpg && echo there || echo absent")).toBe("absent\n");
  });

  it("failures are clear: a key that is not the id, a URL that fails, a keyserver with a short id", async () => {
    site.write("wrong.ts", one(`await h.apt_signing_key({ url: BASE + "/keys/a.asc", id: B_FPR, keyring: "/etc/apt/keyrings/dcv-ak-wrong.gpg" });`));
    const wrong = await site.converge([], { site: "wrong.ts" });
    expect(failedMsg(wrong)).toBe(`the key from ${base}/keys/a.asc is ${keys.a.fpr}, not ${keys.b.fpr}`);
    expect(await sh("test -e /etc/apt/keyrings/dcv-ak-wrong.gpg && echo there || echo absent")).toBe("absent\n");

    site.write("404.ts", one(`await h.apt_signing_key({ url: BASE + "/keys/nope.asc", keyring: KEYRING });`));
    const missing = await site.converge([], { site: "404.ts" });
    expect(failedMsg(missing)).toMatch(new RegExp(`^cannot download the key from ${base}/keys/nope.asc: HTTP status 404`));

    site.write("ks-short.ts", one(`await h.apt_signing_key({ keyserver: "keyserver.ubuntu.com", id: B_FPR.slice(-8) });`));
    const ks = await site.converge([], { site: "ks-short.ts" });
    expect(ks.code).toBe(2);
    expect(failedMsg(ks)).toMatch(/^invalid arguments: id: with keyserver, id must be the key's full fingerprint or its 16-hex long id/);
  });
});
