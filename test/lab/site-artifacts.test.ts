import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "./availability.js";
import { Lab } from "./lab.js";
import { type SiteArtifacts, ensureSiteArtifacts, symlinksUnder, wordpressVersion } from "./site-artifacts.js";

// The reference site's downloads in the lab: built from Debian's packages, served from the
// gateway. What the hosts download must be what the checksums say, and a runnable release tree.

const skip = labSkipReason();

describe.skipIf(skip !== undefined)("the lab's WordPress tarball and plugin zip", () => {
  const lab = Lab.fromFile();
  const work = mkdtempSync(join(tmpdir(), "dcv-artifacts-"));
  let a: SiteArtifacts;

  beforeAll(async () => {
    await lab.up();
    a = await ensureSiteArtifacts(lab);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("is built once: a second call gives the same files", async () => {
    expect(await ensureSiteArtifacts(lab)).toEqual(a);
    expect(a.wordpress.version).toMatch(/^6\.1\.\d+$/);
    expect(a.wordpress.url).toBe(`http://${lab.topology.gatewayPrivate}:8090/wordpress-${a.wordpress.version}.tar.gz`);
  });

  it("serves bytes matching the checksums, and the tarball is a release tree", async () => {
    const tar = Buffer.from(await (await fetch(a.wordpress.url)).arrayBuffer());
    expect(createHash("sha256").update(tar).digest("hex")).toBe(a.wordpress.sha256);
    const zip = Buffer.from(await (await fetch(a.plugin.url)).arrayBuffer());
    expect(createHash("sha256").update(zip).digest("hex")).toBe(a.plugin.sha256);

    writeFileSync(join(work, "wp.tar.gz"), tar);
    expect(spawnSync("tar", ["-xzf", "wp.tar.gz"], { cwd: work }).status).toBe(0);
    const tree = join(work, "wordpress");
    expect(wordpressVersion(tree)).toBe(a.wordpress.version);
    expect(symlinksUnder(tree)).toEqual([]);
    const ls = (p: string) => spawnSync("test", ["-e", join(tree, p)]).status === 0;
    expect(ls("wp-config.php")).toBe(false);
    expect(ls("wp-config-sample.php")).toBe(true);
    expect(ls("wp-content/themes/twentytwentythree/theme.json")).toBe(true);
    expect(ls("wp-includes/ID3/getid3.php")).toBe(true);
    expect(readFileSync(join(tree, "wp-includes/certificates/ca-bundle.crt"), "utf8")).toContain("BEGIN CERTIFICATE");
  });

  it("is reachable from a lab host", async () => {
    const out = spawnSync(
      "ssh",
      ["-i", lab.keyFile, "-o", `UserKnownHostsFile=${lab.knownHostsFile}`, "-o", "BatchMode=yes", `deploy@${lab.host("spare1").privateIpv4}`, `curl -fsS ${a.plugin.url} | sha256sum`],
      { encoding: "utf8" },
    );
    expect(out.stdout.split(" ")[0]).toBe(a.plugin.sha256);
  });
});
