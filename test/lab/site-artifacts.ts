import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { LabError } from "./errors.js";
import { run } from "./exec.js";
import type { Lab, Log } from "./lab.js";
import { portOpen, waitUntil } from "./net.js";
import { cmdline, isAlive, readPid, terminate } from "./processes.js";
import { zipArchive } from "./zip.js";

// The reference site's downloads, for a lab without internet: a WordPress tarball (the
// wordpress.org release the role downloads in production) built from Debian's `wordpress`
// package, and a test plugin zip. Both are built once into the lab's cache, and served over
// HTTP from the lab gateway by a small detached file server (files-daemon.ts).

/** Port of the file server on the lab bridge's private address. */
export const FILES_PORT = 8090;

/**
 * Debian's wordpress unbundles these libraries into other packages (its files are symlinks into
 * them), and ships its default theme separately; their files are copied back into the tree.
 */
export const WORDPRESS_DEBS = ["wordpress", "wordpress-theme-twentytwentythree", "libjs-cropper", "libjs-underscore", "php-getid3"] as const;

/**
 * Absolute link targets that no package contains: ca-certificates generates its bundle at
 * install time, so this machine's copy stands in (WordPress uses it to verify HTTPS peers).
 */
const HOST_FALLBACKS = new Set(["/etc/ssl/certs/ca-certificates.crt"]);

export const PLUGIN_NAME = "dcv-lab-plugin";

/**
 * The lab plugin: it marks every front-end response (a header and a footer comment), so a test
 * can tell from outside that the plugin is active, not merely unpacked.
 */
export const PLUGIN_PHP = `<?php
/**
 * Plugin Name: DCV Lab Plugin
 * Description: Installed by the do-converge lab to prove that plugins by URL and checksum are unpacked and activated.
 * Version: 1.0.0
 * Requires PHP: 7.4
 * License: GPL-2.0-or-later
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

add_action( 'send_headers', function () {
	header( 'X-DCV-Lab-Plugin: active' );
} );

add_action( 'wp_footer', function () {
	echo "<!-- dcv-lab-plugin active -->\\n";
} );
`;

export interface SiteArtifactFiles {
  wordpress: { file: string; sha256: string; version: string };
  plugin: { file: string; sha256: string; name: string };
}

export interface SiteArtifacts {
  /** The WordPress tarball (top directory `wordpress/`, as wordpress.org's); checksum "sha256:" + sha256. */
  wordpress: { url: string; sha256: string; version: string };
  /** The plugin zip (top directory = name); activate it as `<name>/<name>.php`. */
  plugin: { url: string; sha256: string; name: string };
}

const sha256File = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

function sh(script: string, args: readonly string[] = [], cwd?: string): Promise<void> {
  return new Promise((ok, fail) => {
    const child = spawn("sh", ["-ec", script, "sh", ...args], { cwd, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    child.on("error", (e) => fail(new LabError(`sh: ${e.message}`)));
    child.on("close", (code) => (code === 0 ? ok() : fail(new LabError(`${script.split("\n")[0]}: exit ${code}: ${err.trim().split("\n").slice(-5).join(" | ")}`))));
  });
}

/** The version WordPress reports (wp-includes/version.php's $wp_version). */
export function wordpressVersion(tree: string): string {
  const text = readFileSync(join(tree, "wp-includes", "version.php"), "utf8");
  const m = /^\$wp_version\s*=\s*'([^']+)'/m.exec(text);
  if (!m?.[1]) throw new LabError(`${tree}: no $wp_version in wp-includes/version.php`);
  return m[1];
}

/** Every symbolic link under dir (not followed). */
export function symlinksUnder(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isSymbolicLink()) out.push(p);
    else if (e.isDirectory()) symlinksUnder(p, out);
  }
  return out;
}

/**
 * Where a link inside the unpacked packages leads, read as if `root` were `/`: absolute targets
 * are taken inside root, chains are followed. Returns undefined for a dangling link.
 */
export function resolveInRoot(root: string, link: string): string | undefined {
  let p = link;
  for (let hops = 0; hops < 40; hops++) {
    let st;
    try {
      st = lstatSync(p);
    } catch {
      return undefined;
    }
    if (!st.isSymbolicLink()) return p;
    const target = readlinkSync(p);
    const next = isAbsolute(target) ? join(root, target) : resolve(dirname(p), target);
    if (relative(root, next).startsWith("..")) return undefined;
    p = next;
  }
  return undefined;
}

/**
 * Turns Debian's /usr/share/wordpress (unpacked with its library packages under `root`) into the
 * self-contained tree of a wordpress.org release at `dest`: every symlink replaced by what it
 * points to, Debian's wp-config.php loader and its .htaccess link dropped, wp-content complete.
 */
export function assembleWordpressTree(root: string, dest: string, hostRoot = "/"): void {
  const src = join(root, "usr/share/wordpress");
  if (!existsSync(join(src, "wp-includes/version.php"))) throw new LabError(`${src}: not a WordPress tree`);
  // The Debian loader reads /etc/wordpress/config-<host>.php; a release reads wp-config.php,
  // which the site writes. The .htaccess link is Apache's, into /etc/wordpress.
  for (const f of ["wp-config.php", ".htaccess"]) rmSync(join(src, f), { force: true });
  for (const link of symlinksUnder(src)) {
    let target = resolveInRoot(root, link);
    if (target === undefined) {
      const abs = readlinkSync(link);
      if (isAbsolute(abs) && HOST_FALLBACKS.has(abs) && existsSync(join(hostRoot, abs))) target = join(hostRoot, abs);
      else throw new LabError(`${relative(root, link)} -> ${abs}: the link leads nowhere in the unpacked packages (${WORDPRESS_DEBS.join(", ")})`);
    }
    unlinkSync(link);
    cpSync(target, link, { recursive: true, dereference: true, preserveTimestamps: true });
  }
  // Debian keeps wp-content's index.php (which hides the directory listing) in /var/lib.
  const guard = join(root, "var/lib/wordpress/wp-content/index.php");
  for (const d of ["wp-content", "wp-content/themes", "wp-content/plugins"]) {
    if (existsSync(join(src, d)) && !existsSync(join(src, d, "index.php")) && existsSync(guard)) cpSync(guard, join(src, d, "index.php"));
  }
  const left = symlinksUnder(src);
  if (left.length > 0) throw new LabError(`symlinks left in the WordPress tree: ${left.slice(0, 5).join(", ")}`);
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dirname(dest), { recursive: true });
  renameSync(src, dest);
}

async function downloadDebs(dir: string): Promise<string[]> {
  // apt-get download writes into the current directory; run() has no cwd, so a subshell cds.
  const inDir = (cmd: string) => sh(`cd "$1" && ${cmd}`, [dir]);
  try {
    await inDir(`apt-get download ${WORDPRESS_DEBS.join(" ")} 2>&1`);
  } catch {
    // Lists missing or stale on a fresh machine: refresh once, then try again.
    await run("apt-get", ["update", "-q"]);
    await inDir(`apt-get download ${WORDPRESS_DEBS.join(" ")}`);
  }
  const debs = readdirSync(dir).filter((f) => f.endsWith(".deb"));
  if (debs.length !== WORDPRESS_DEBS.length) throw new LabError(`apt-get download gave ${debs.join(", ")}, expected ${WORDPRESS_DEBS.join(", ")}`);
  return debs.map((f) => join(dir, f));
}

// Fixed metadata so a rebuild gives the same bytes: names sorted, root-owned, one mtime, no gzip name/time.
const TAR_FLAGS = "--sort=name --owner=0 --group=0 --numeric-owner --mtime=@1704067200 --format=gnu";

/** Builds wordpress-<version>.tar.gz into outDir from Debian's packages (needs apt, tar, gzip). */
export async function buildWordpressTarball(outDir: string, log: Log = () => undefined): Promise<SiteArtifactFiles["wordpress"]> {
  mkdirSync(outDir, { recursive: true });
  const work = mkdtempSync(join(outDir, ".build-"));
  try {
    // _apt must be able to write into the download directory, or apt warns and falls back to root.
    await sh(`chmod 0755 "$1"`, [work]);
    const debs = await downloadDebs(work);
    log(`unpacking ${debs.length} packages`);
    const root = join(work, "root");
    mkdirSync(root);
    for (const deb of debs) await run("dpkg-deb", ["-x", deb, root]);
    const stage = join(work, "stage");
    assembleWordpressTree(root, join(stage, "wordpress"));
    const version = wordpressVersion(join(stage, "wordpress"));
    const file = join(outDir, `wordpress-${version}.tar.gz`);
    await sh(`tar ${TAR_FLAGS} -C "$1" -cf - wordpress | gzip -n -9 > "$2.tmp" && mv -f "$2.tmp" "$2"`, [stage, file]);
    return { file, sha256: sha256File(file), version };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Builds the lab plugin's zip (`<name>/<name>.php`) into outDir. */
export function buildPluginZip(outDir: string): SiteArtifactFiles["plugin"] {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${PLUGIN_NAME}-1.0.0.zip`);
  const zip = zipArchive([
    { name: `${PLUGIN_NAME}/` },
    { name: `${PLUGIN_NAME}/${PLUGIN_NAME}.php`, data: Buffer.from(PLUGIN_PHP) },
  ]);
  writeFileSync(`${file}.tmp`, zip);
  renameSync(`${file}.tmp`, file);
  return { file, sha256: sha256File(file), name: PLUGIN_NAME };
}

const MANIFEST = "site-artifacts.json";

/**
 * The artifacts in outDir, built when missing: a manifest records what was built, and is
 * trusted only while every file it names still has its recorded sha256.
 */
export async function buildSiteArtifacts(outDir: string, log: Log = () => undefined): Promise<SiteArtifactFiles> {
  const manifest = join(outDir, MANIFEST);
  if (existsSync(manifest)) {
    try {
      const m = JSON.parse(readFileSync(manifest, "utf8")) as SiteArtifactFiles;
      if (sha256File(m.wordpress.file) === m.wordpress.sha256 && sha256File(m.plugin.file) === m.plugin.sha256) return m;
    } catch {
      // a torn or stale manifest: rebuild
    }
  }
  log("building the WordPress tarball from Debian's wordpress package");
  const wordpress = await buildWordpressTarball(outDir, log);
  const plugin = buildPluginZip(outDir);
  const m: SiteArtifactFiles = { wordpress, plugin };
  writeFileSync(`${manifest}.tmp`, `${JSON.stringify(m, null, 2)}\n`);
  renameSync(`${manifest}.tmp`, manifest);
  return m;
}

function serverFiles(stateDir: string) {
  const dir = join(stateDir, "files-server");
  return { dir, pid: join(dir, "pid"), log: join(dir, "log") };
}

function runningServer(stateDir: string): number | undefined {
  const pid = readPid(serverFiles(stateDir).pid);
  return pid !== undefined && isAlive(pid) && cmdline(pid).some((a) => a.endsWith("files-daemon.ts")) ? pid : undefined;
}

/**
 * Serves dir at http://<gateway>:FILES_PORT/ from a detached process that lives as long as the
 * lab (its pid file is in the lab's state, so `lab down` stops it), unless it already runs.
 */
export async function ensureFileServer(lab: Lab, dir: string): Promise<string> {
  const host = lab.topology.gatewayPrivate;
  const url = `http://${host}:${FILES_PORT}`;
  if (runningServer(lab.paths.stateDir) !== undefined && (await portOpen(host, FILES_PORT))) return url;
  await stopFileServer(lab.paths.stateDir);
  const f = serverFiles(lab.paths.stateDir);
  mkdirSync(f.dir, { recursive: true, mode: 0o700 });
  const out = openSync(f.log, "a");
  const daemon = new URL("./files-daemon.ts", import.meta.url).pathname;
  const root = new URL("../..", import.meta.url).pathname;
  const child = spawn(process.execPath, ["--import", "tsx", daemon, dir, host, String(FILES_PORT)], { cwd: root, detached: true, stdio: ["ignore", out, out] });
  child.unref();
  if (child.pid === undefined) throw new LabError("the lab's file server did not start");
  writeFileSync(f.pid, `${child.pid}\n`);
  if (!(await waitUntil(() => portOpen(host, FILES_PORT), 20_000))) throw new LabError(`the lab's file server did not listen on ${url}; see ${f.log}`);
  return url;
}

export async function stopFileServer(stateDir: string): Promise<void> {
  const pid = runningServer(stateDir);
  if (pid !== undefined) await terminate(pid);
}

/**
 * The site's downloads for this lab: built once into <lab cache>/files/ and served from the lab
 * gateway. Idempotent and cheap once built (a manifest check and a port probe). The lab must be
 * up (the server listens on the bridge).
 */
export async function ensureSiteArtifacts(lab: Lab, log: Log = () => undefined): Promise<SiteArtifacts> {
  const dir = join(lab.paths.cacheDir, "files");
  const built = await buildSiteArtifacts(dir, log);
  const base = await ensureFileServer(lab, dir);
  const name = (file: string) => encodeURIComponent(file.slice(file.lastIndexOf("/") + 1));
  if (!statSync(built.wordpress.file).isFile()) throw new LabError(`${built.wordpress.file} is missing`);
  return {
    wordpress: { url: `${base}/${name(built.wordpress.file)}`, sha256: built.wordpress.sha256, version: built.wordpress.version },
    plugin: { url: `${base}/${name(built.plugin.file)}`, sha256: built.plugin.sha256, name: built.plugin.name },
  };
}
