import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { assembleWordpressTree, resolveInRoot, symlinksUnder, wordpressVersion } from "../../test/lab/site-artifacts.js";
import { crc32, zipArchive } from "../../test/lab/zip.js";

// The lab's WordPress tarball builder, on a miniature of Debian's packages: the tree it makes
// must be a release tree (no symlinks, no Debian loader) WordPress can run from.

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function put(root: string, path: string, content = `${path}\n`): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

function link(root: string, path: string, target: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  symlinkSync(target, join(root, path));
}

/** What dpkg-deb -x of wordpress and its library packages leaves, in small. */
function debianRoot(): string {
  const root = mkdtempSync(join(tmpdir(), "dcv-wp-"));
  dirs.push(root);
  const wp = "usr/share/wordpress";
  put(root, `${wp}/wp-includes/version.php`, "<?php\n$wp_version = '6.1.9';\n");
  put(root, `${wp}/wp-load.php`);
  put(root, `${wp}/wp-config.php`, "<?php // Debian's loader of /etc/wordpress/config-*.php\n");
  put(root, `${wp}/wp-config-sample.php`);
  put(root, `${wp}/wp-content/plugins/akismet/akismet.php`);
  put(root, `${wp}/wp-content/themes/twentytwentythree/style.css`);
  put(root, "var/lib/wordpress/wp-content/index.php", "<?php // Silence is golden.\n");
  put(root, "usr/share/php/getid3/getid3.php", "getid3\n");
  put(root, "usr/share/javascript/cropper/cropper.js", "cropper\n");
  put(root, "etc/wordpress/htaccess");
  link(root, `${wp}/wp-includes/ID3/getid3.php`, "../../../php/getid3/getid3.php");
  // An absolute link, and a chain through another link.
  link(root, `${wp}/wp-includes/js/crop/cropper.js`, "/usr/share/javascript/cropper/cropper.js");
  link(root, "usr/share/javascript/cropper-latest.js", "cropper/cropper.js");
  link(root, `${wp}/wp-includes/js/crop/latest.js`, "/usr/share/javascript/cropper-latest.js");
  link(root, `${wp}/.htaccess`, "/etc/wordpress/htaccess");
  return root;
}

describe("lab WordPress tarball: the tree", () => {
  it("resolves links as if the unpacked packages were /", () => {
    const root = debianRoot();
    expect(resolveInRoot(root, join(root, "usr/share/wordpress/wp-includes/js/crop/latest.js"))).toBe(join(root, "usr/share/javascript/cropper/cropper.js"));
    link(root, "usr/share/wordpress/dangling", "/nowhere");
    expect(resolveInRoot(root, join(root, "usr/share/wordpress/dangling"))).toBeUndefined();
  });

  it("copies every link's target in, drops Debian's wp-config.php and .htaccess, keeps the sample", () => {
    const root = debianRoot();
    const dest = join(root, "out/wordpress");
    assembleWordpressTree(root, dest, join(root, "no-host"));
    expect(symlinksUnder(dest)).toEqual([]);
    expect(wordpressVersion(dest)).toBe("6.1.9");
    expect(readFileSync(join(dest, "wp-includes/ID3/getid3.php"), "utf8")).toBe("getid3\n");
    expect(readFileSync(join(dest, "wp-includes/js/crop/latest.js"), "utf8")).toBe("cropper\n");
    expect(existsSync(join(dest, "wp-config.php"))).toBe(false);
    expect(existsSync(join(dest, ".htaccess"))).toBe(false);
    expect(existsSync(join(dest, "wp-config-sample.php"))).toBe(true);
    expect(existsSync(join(dest, "wp-content/themes/twentytwentythree/style.css"))).toBe(true);
    expect(readFileSync(join(dest, "wp-content/index.php"), "utf8")).toContain("Silence");
  });

  it("a link that leads nowhere fails the build, naming it", () => {
    const root = debianRoot();
    link(root, "usr/share/wordpress/wp-includes/js/underscore.js", "../../../javascript/underscore/underscore.js");
    expect(() => assembleWordpressTree(root, join(root, "out/wordpress"), join(root, "no-host"))).toThrow(/underscore\.js/);
  });

  it("the CA bundle, generated at install time, comes from this machine", () => {
    const root = debianRoot();
    const host = join(root, "host");
    put(host, "etc/ssl/certs/ca-certificates.crt", "CERTS\n");
    link(root, "usr/share/wordpress/wp-includes/certificates/ca-bundle.crt", "/etc/ssl/certs/ca-certificates.crt");
    const dest = join(root, "out/wordpress");
    assembleWordpressTree(root, dest, host);
    expect(readFileSync(join(dest, "wp-includes/certificates/ca-bundle.crt"), "utf8")).toBe("CERTS\n");
  });
});

describe("lab plugin zip", () => {
  it("crc32 is the standard one", () => {
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
  });

  it("is the same bytes every time, and unzip reads it back", () => {
    const entries = [{ name: "p/" }, { name: "p/p.php", data: Buffer.from("<?php\n/* Plugin Name: P */\n") }];
    const zip = zipArchive(entries);
    expect(zipArchive(entries).equals(zip)).toBe(true);
    const unzip = spawnSync("unzip", ["-v"]);
    if (unzip.error) return; // no unzip on this machine: the lab test reads it on a host
    const dir = mkdtempSync(join(tmpdir(), "dcv-zip-"));
    dirs.push(dir);
    writeFileSync(join(dir, "p.zip"), zip);
    const r = spawnSync("unzip", ["-q", "p.zip"], { cwd: dir });
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, "p/p.php"), "utf8")).toContain("Plugin Name: P");
  });
});
