import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { dirname, join, relative } from "node:path";

// What the seed's web role downloads (the WordPress tarball and two plugin zips from
// wordpress.org), built from Debian 12's own packages, since the lab reaches no host but Debian's
// mirror: a real WordPress tree and real plugins, packed as wordpress.org packs them (the tarball
// holds one top directory, `wordpress/`; a plugin zip holds the plugin's directory). apt-get
// download fetches the .debs through this machine's apt sources.

/** The Debian packages the archives come from: WordPress, the libraries its tree links to, two plugins. */
const PACKAGES = ["wordpress", "php-getid3", "libjs-underscore", "libjs-cropper", "wordpress-plugin-http-authentication", "wordpress-shibboleth"];

/** The plugin zips, by the plugin directory they hold. */
export const PLUGINS = ["http-authentication", "shibboleth"] as const;

const WP = "usr/share/wordpress";

/**
 * Debian's tree links to files of other packages where wordpress.org ships copies; the tarball
 * holds the files, as wordpress.org's does. An absolute target is looked up in the unpacked
 * packages first (/etc/wordpress/htaccess), then on this machine (the CA bundle).
 */
function resolveLinks(root: string, top: string, tree: string): void {
  for (const name of readdirSync(tree)) {
    const p = join(tree, name);
    const st = lstatSync(p);
    if (st.isDirectory()) resolveLinks(root, top, p);
    if (!st.isSymbolicLink()) continue;
    const target = readlinkSync(p);
    const inPackages = target.startsWith("/") ? join(root, target) : join(root, WP, relative(top, dirname(p)), target);
    const source = existsSync(inPackages) ? inPackages : target;
    if (!existsSync(source)) throw new Error(`${p} links to ${target}, which no unpacked package and not this machine has`);
    rmSync(p);
    copyFileSync(source, p);
  }
}

/** Builds `dir/latest.tar.gz` and `dir/<plugin>.zip` for each of PLUGINS; returns the file names. */
export function buildWordpressArchives(dir: string): string[] {
  const debs = join(dir, "debs");
  const root = join(dir, "root");
  mkdirSync(debs, { recursive: true });
  execFileSync("apt-get", ["download", "-q", ...PACKAGES], { cwd: debs, stdio: ["ignore", "ignore", "pipe"] });
  for (const deb of readdirSync(debs)) execFileSync("dpkg-deb", ["-x", join(debs, deb), root]);

  const stage = join(dir, "stage");
  mkdirSync(stage, { recursive: true });
  execFileSync("cp", ["-a", join(root, WP), join(stage, "wordpress")]);
  const tree = join(stage, "wordpress");
  // Debian's own wp-config.php reads /etc/wordpress; wordpress.org's tarball has only the sample,
  // and the role writes wp-config.php. The plugins come as zips of their own.
  rmSync(join(tree, "wp-config.php"));
  for (const p of PLUGINS) rmSync(join(tree, "wp-content/plugins", p), { recursive: true, force: true });
  copyFileSync(join(root, "var/lib/wordpress/wp-content/index.php"), join(tree, "wp-content/index.php"));
  resolveLinks(root, tree, tree);
  execFileSync("tar", ["-C", stage, "--owner=0", "--group=0", "-czf", join(dir, "latest.tar.gz"), "wordpress"]);

  const plugins = join(root, WP, "wp-content/plugins");
  for (const p of PLUGINS) execFileSync("zip", ["-q", "-r", "-X", join(dir, `${p}.zip`), p], { cwd: plugins });
  return ["latest.tar.gz", ...PLUGINS.map((p) => `${p}.zip`)];
}
