import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { RootShells, type TestSite, changedTasks, explain, total } from "../engine/harness.js";
import { Lab } from "../lab.js";
import { closeSite, openSite, playSite } from "./helpers.js";

// deb822_repository on web3: a key downloaded by the host from a server of this test on the lab
// bridge, a key file already on the host, and a key given as text; the files compared byte for
// byte with what ansible-core's deb822_repository writes (its layout is checked against
// ansible-core itself in test/unit/modules/deb822.test.ts). No apt-get update runs: the
// repositories' URIs lead nowhere.

const skip = labSkipReason();
const HOST = "web3";
const DIR = "/srv/dcv-facts-deb822";
const SOURCES = "/etc/apt/sources.list.d";
const KEYRINGS = "/etc/apt/keyrings";
const ARMORED = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEYCQjIxYJKwYBBAHaRw8BAQdAD/P5Nvvnvk66SxBBHDbhRml9ORg1WV5CvzKY\nCuMfoIS0BmFiY2RlZoiQBBMWCgA4FiEErCIG1VhKWMWo2yfAREZd5NfO31cFAmAk\n=IE0r\n-----END PGP PUBLIC KEY BLOCK-----\n";

describe.skipIf(skip !== undefined)("deb822_repository on a real host (web3)", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  let site: TestSite;
  let server: Server | undefined;
  let base = "";
  let served = ARMORED;

  const SITE = () =>
    playSite(
      "deb822 repositories",
      { BASE: base, DIR, KEY: ARMORED },
      `
    const a = await h.deb822_repository({ name: "dcv-facts-docker", types: "deb", uris: BASE + "/debian", suites: "bookworm", components: "stable", signed_by: BASE + "/gpg" }, { name: "url key" });
    const b = await h.deb822_repository({ name: "dcv-facts-plain", uris: ["http://a.invalid/debian", "http://b.invalid/debian"], suites: ["bookworm", "bookworm-updates"], components: "main,contrib", signed_by: DIR + "/host.gpg", enabled: false, architectures: ["amd64"], mode: "0600" }, { name: "host key" });
    const c = await h.deb822_repository({ name: "dcv-facts-text", types: ["deb", "deb-src"], uris: "http://c.invalid/debian", suites: "stable", components: "main", signed_by: KEY, trusted: false }, { name: "key text" });
    await h.copy({ dest: DIR + "/results.json", content: JSON.stringify([a, b, c].map((r) => ({ dest: r.dest, key_filename: r.key_filename, repo: r.repo }))) + "\\n" }, { name: "record" });
`,
    );
  const REMOVE = () =>
    playSite(
      "deb822 removed",
      { DIR },
      `
    const r = await h.deb822_repository({ name: "dcv-facts-docker", state: "absent" }, { name: "gone" });
    await h.copy({ dest: DIR + "/removed.json", content: JSON.stringify({ dest: r.dest, key_filename: r.key_filename, repo: r.repo }) + "\\n" }, { name: "record removal" });
`,
    );

  const DOCKER = `Components: stable\nX-Repolib-Name: dcv-facts-docker\nSigned-By: ${KEYRINGS}/dcv-facts-docker.asc\nSuites: bookworm\nTypes: deb\nURIs: BASE/debian\n`;
  const PLAIN = `Architectures: amd64\nComponents: main contrib\nEnabled: no\nX-Repolib-Name: dcv-facts-plain\nSigned-By: ${DIR}/host.gpg\nSuites: bookworm bookworm-updates\nTypes: deb\nURIs: http://a.invalid/debian http://b.invalid/debian\n`;
  const TEXT = `Components: main\nX-Repolib-Name: dcv-facts-text\nSigned-By:\n    -----BEGIN PGP PUBLIC KEY BLOCK-----\n    .\n    mDMEYCQjIxYJKwYBBAHaRw8BAQdAD/P5Nvvnvk66SxBBHDbhRml9ORg1WV5CvzKY\n    CuMfoIS0BmFiY2RlZoiQBBMWCgA4FiEErCIG1VhKWMWo2yfAREZd5NfO31cFAmAk\n    =IE0r\n    -----END PGP PUBLIC KEY BLOCK-----\nSuites: stable\nTrusted: no\nTypes: deb deb-src\nURIs: http://c.invalid/debian\n`;
  const cleanUp = () => sh(`rm -rf ${DIR} ${SOURCES}/dcv-facts-* ${KEYRINGS}/dcv-facts-*`);

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === "/gpg") return void res.end(served);
      res.writeHead(404).end("not here\n");
    });
    await new Promise<void>((resolve) => server?.listen(0, lab.topology.gatewayPrivate, resolve));
    base = `http://${lab.topology.gatewayPrivate}:${(server.address() as AddressInfo).port}`;
    site = await openSite(lab, HOST, {}, async () => {
      await cleanUp();
      await sh(`mkdir -p ${DIR} && printf 'binary key\\n' > ${DIR}/host.gpg`);
    });
    site.write("site.ts", SITE());
    site.write("remove.ts", REMOVE());
    site.write("bad-url.ts", playSite("bad url", { BASE: base }, `await h.deb822_repository({ name: "dcv-facts-bad", uris: "http://x.invalid", suites: "s", signed_by: BASE + "/nope" }, { name: "404", ignoreErrors: true });`));
  }, 300_000);
  afterAll(async () => {
    server?.close();
    await closeSite(root, site, cleanUp);
  });

  const files = () => sh(`cd ${SOURCES} && for f in dcv-facts-docker dcv-facts-plain dcv-facts-text; do cat $f.sources; stat -c '%a' $f.sources; done; cat ${KEYRINGS}/dcv-facts-docker.asc; stat -c '%a %U' ${KEYRINGS}/dcv-facts-docker.asc ${KEYRINGS}`);
  const expected = () => `${DOCKER.replace("BASE", base)}644\n${PLAIN}600\n${TEXT}644\n${served}644 root\n755 root\n`;

  it("writes the files ansible-core writes, downloads the key, and a second converge changes nothing", async () => {
    const first = await site.converge();
    expect(first.code, explain(first)).toBe(0);
    expect(changedTasks(first)).toEqual(["url key", "host key", "key text", "record"]);
    expect(await files()).toBe(expected());
    expect(JSON.parse(await sh(`cat ${DIR}/results.json`))).toEqual([
      { dest: `${SOURCES}/dcv-facts-docker.sources`, key_filename: `${KEYRINGS}/dcv-facts-docker.asc`, repo: DOCKER.replace("BASE", base) },
      { dest: `${SOURCES}/dcv-facts-plain.sources`, key_filename: `${DIR}/host.gpg`, repo: PLAIN },
      { dest: `${SOURCES}/dcv-facts-text.sources`, key_filename: null, repo: TEXT },
    ]);
    // apt reads what was written without a complaint (a malformed stanza is an error on stderr).
    expect(await sh("apt-cache policy 2>&1 >/dev/null; echo rc=$?")).toBe("rc=0\n");

    const second = await site.converge();
    expect(second.code, explain(second)).toBe(0);
    expect(total(second, "changed"), explain(second)).toBe(0);
  });

  it("--check --diff shows a hand edit and a new key without changing anything; the next converge repairs both", async () => {
    await sh(`sed -i 's/^Suites: bookworm$/Suites: trixie/' ${SOURCES}/dcv-facts-docker.sources; chmod 0644 ${SOURCES}/dcv-facts-plain.sources`);
    served = ARMORED.replace("=IE0r", "=XXXX");
    const before = await files();
    const check = await site.converge(["--check", "--diff"]);
    expect(check.code, explain(check)).toBe(0);
    expect(changedTasks(check)).toEqual(["url key", "host key"]);
    expect(check.stdout).toContain("-Suites: trixie\n+Suites: bookworm\n");
    expect(check.stdout).toContain("-=IE0r\n+=XXXX\n");
    expect(check.stdout).toContain("-mode: 0644\n+mode: 0600\n");
    expect(await files()).toBe(before);

    const fix = await site.converge();
    expect(changedTasks(fix)).toEqual(["url key", "host key"]);
    expect(await files()).toBe(expected());
    expect(total(await site.converge(), "changed")).toBe(0);
  });

  it("state absent removes the .sources file and the downloaded key; a key URL that fails is a clear error", async () => {
    const r = await site.converge([], { site: "remove.ts" });
    expect(r.code, explain(r)).toBe(0);
    expect(changedTasks(r)).toEqual(["gone", "record removal"]);
    expect(await sh(`ls ${SOURCES} ${KEYRINGS} | grep dcv-facts- | sort`)).toBe("dcv-facts-plain.sources\ndcv-facts-text.sources\n");
    expect(JSON.parse(await sh(`cat ${DIR}/removed.json`))).toEqual({ dest: `${SOURCES}/dcv-facts-docker.sources`, key_filename: `${KEYRINGS}/dcv-facts-docker.gpg`, repo: null });
    expect(total(await site.converge([], { site: "remove.ts" }), "changed")).toBe(0);

    const bad = await site.converge([], { site: "bad-url.ts" });
    expect(bad.code, explain(bad)).toBe(0);
    expect(bad.report?.tasks[0]).toMatchObject({ status: "ignored" });
    expect(bad.report?.tasks[0]?.msg).toMatch(/^Could not fetch signed_by key: cannot download the key from .*\/nope: .*404/);
    expect(await sh(`ls ${SOURCES} | grep -c dcv-facts-bad || true`)).toBe("0\n");
  });
});
