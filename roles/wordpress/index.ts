import { type Host, role, secret, z } from "do-converge";
import {
  SALT_KEYS,
  dbHost,
  downloadName,
  installChanged,
  parseInstallResult,
  parsePublishedSha1,
  publishedChecksumUrl,
  serverName,
  siteUrl,
  wpConfigLiterals,
} from "./config.js";

/** Debian 12's PHP: package names, the FPM service and its socket all carry the version. */
const PHP = "8.2";
const FPM = `php${PHP}-fpm`;
const FPM_SOCKET = `/run/php/php${PHP}-fpm.sock`;

/** Downloaded tarballs and plugin zips, kept so a converge needs no download when they match. */
const DOWNLOADS = "/var/cache/do-converge/wordpress";
/** The role's scripts on the node. */
const LIB = "/usr/local/lib/do-converge";
const INSTALLER = `${LIB}/wordpress-install.php`;

/** Set during a check run on a node without nginx/PHP-FPM yet: their units cannot be asked. */
const unitsPending = (h: Host) => h.hostvars(h.name)["wordpress_units_pending"] === true;

const Checksum = z
  .string()
  .regex(/^(md5|sha1|sha224|sha256|sha384|sha512):[0-9A-Fa-f]+$/, 'ALGORITHM:HEX, e.g. "sha256:9f86d0..."');

const Plugin = z.strictObject({
  /** The plugin's directory in wp-content/plugins (the zip's top directory), e.g. "do-spaces-sync". */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "a plugin directory name"),
  /** Where the zip is downloaded from, on each web node. */
  url: z.string().url(),
  /** The zip's checksum, "sha256:HEX": a download that does not match is refused. */
  checksum: Checksum,
  /** The main plugin file, "name/file.php"; default: the one file of the directory with a plugin header. */
  file: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9._/-]+\.php$/).optional(),
});

const Salts = z.strictObject(Object.fromEntries(SALT_KEYS.map((k) => [k, secret({ length: 64, alphabet: "printable" })])) as Record<
  (typeof SALT_KEYS)[number],
  ReturnType<typeof secret>
>);

const Vars = z
  .object({
    /** The site's address as visitors use it (the load balancer's name or address); required. */
    wordpress_url: z.string().url().refine((u) => /^https?:\/\//.test(u), "an http:// or https:// URL"),
    /** Blog title, set at installation. */
    wordpress_site_title: z.string().min(1).default("WordPress on DigitalOcean"),
    /** The first administrator's login, created at installation. */
    wordpress_admin_user: z.string().regex(/^[A-Za-z0-9_.@-]{1,60}$/, "letters, digits and _ . @ -").default("wpadmin"),
    /** The first administrator's e-mail address; required. */
    wordpress_admin_email: z.string().email(),
    /** The first administrator's password (secret). */
    wordpress_admin_password: secret({ length: 24 }),
    /** Database name, user and password (the galera role creates them). */
    wordpress_db_name: z.string().regex(/^[A-Za-z0-9_]{1,64}$/).default("wordpress"),
    wordpress_db_user: z.string().regex(/^[A-Za-z0-9_]{1,80}$/).default("wordpress"),
    wordpress_db_password: secret({ length: 32 }),
    /** The database host for DB_HOST; default: reserved_ip (HAProxy in front of Galera). */
    wordpress_db_host: z.string().min(1).optional(),
    /** The site's Reserved IP (shared with the haproxy and keepalived roles). */
    reserved_ip: z.string().min(1).optional(),
    /** Database table prefix. */
    wordpress_table_prefix: z.string().regex(/^[A-Za-z0-9_]+$/).default("wp_"),
    /** Keys and salts of wp-config.php (secrets, stable across runs): auth_key ... nonce_salt. */
    wordpress_salts: Salts,
    /**
     * The release tarball (top directory `wordpress/`). Default: wordpress.org's latest release,
     * verified against the SHA-1 wordpress.org publishes beside it; another URL needs a checksum.
     */
    wordpress_tarball_url: z.string().url().default("https://wordpress.org/latest.tar.gz"),
    /** The tarball's checksum, "sha256:HEX" (or sha1:, sha512: ...). */
    wordpress_tarball_checksum: Checksum.optional(),
    /** Where WordPress is unpacked (nginx's document root). */
    wordpress_root: z
      .string()
      .regex(/^\/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$/, "an absolute path of letters, digits and . _ - / without a trailing slash")
      .default("/var/www/wordpress"),
    /** Plugins by URL and checksum, unpacked into wp-content/plugins and activated. */
    wordpress_plugins: z.array(Plugin).default([]),
    /** nginx's port on the web node (the load balancer forwards to it). */
    wordpress_http_port: z.number().int().min(1).max(65535).default(80),
    /** Largest upload: nginx's client_max_body_size and PHP's upload_max_filesize/post_max_size. */
    wordpress_upload_max_size: z.string().regex(/^[0-9]+[KMG]?$/, 'a size such as "64M"').default("64M"),
  })
  .superRefine((v, ctx) => {
    if (dbHost(v) === undefined) {
      ctx.addIssue({ code: "custom", path: ["wordpress_db_host"], message: "set wordpress_db_host, or reserved_ip (the database's Reserved IP)" });
    }
    if (v.wordpress_tarball_checksum === undefined && publishedChecksumUrl(v.wordpress_tarball_url) === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["wordpress_tarball_checksum"],
        message: "required when wordpress_tarball_url is not a wordpress.org release (whose published SHA-1 is used otherwise)",
      });
    }
  });

/**
 * WordPress on a web node: nginx and PHP-FPM from Debian, the release tarball unpacked once per
 * version (Debian's wordpress package is never installed: it pulls in Apache), wp-config.php
 * from secrets, plugins by URL and checksum, and the installation completed without a browser
 * (once per run, since the web nodes share one database).
 */
export const wordpress = role({
  name: "wordpress",
  vars: Vars,
  handlers: {
    "reload nginx": async (h) => {
      if (!unitsPending(h)) await h.systemd({ name: "nginx", state: "reloaded" });
    },
    [`reload ${FPM}`]: async (h) => {
      if (!unitsPending(h)) await h.systemd({ name: FPM, state: "reloaded" });
    },
  },
  async tasks(h, v) {
    const root = v.wordpress_root;
    const url = siteUrl(v.wordpress_url);

    const packages = await h.apt(
      {
        name: [
          "nginx",
          FPM,
          ...["cli", "mysql", "curl", "gd", "mbstring", "xml", "zip", "intl"].map((ext) => `php${PHP}-${ext}`),
          "unzip",
          "curl",
        ],
      },
      { name: "nginx, PHP-FPM and PHP's extensions for WordPress" },
    );
    // Debian's own default site also claims default_server on port 80.
    await h.file({ path: "/etc/nginx/sites-enabled/default", state: "absent" }, { name: "no Debian default nginx site", notify: "reload nginx" });
    await h.copy(
      {
        dest: `/etc/php/${PHP}/fpm/conf.d/90-wordpress.ini`,
        content: `; do-converge (role wordpress)\nupload_max_filesize = ${v.wordpress_upload_max_size}\npost_max_size = ${v.wordpress_upload_max_size}\n`,
        mode: "0644",
      },
      { name: "PHP upload limits", notify: `reload ${FPM}` },
    );

    // The release: downloaded once (named by its checksum), unpacked once per archive.
    let checksum = v.wordpress_tarball_checksum;
    if (checksum === undefined) {
      const sha1Url = publishedChecksumUrl(v.wordpress_tarball_url) ?? "";
      const r = await h.command(
        { argv: ["curl", "-fsSL", "--max-time", "30", sha1Url] },
        { name: `published checksum ${sha1Url}`, readsOnly: true },
      );
      checksum = parsePublishedSha1(r.stdout);
      if (checksum === undefined) return h.fail(`${sha1Url} did not give a SHA-1 digest`);
    }
    for (const dir of [DOWNLOADS, `${DOWNLOADS}/plugins`]) {
      await h.file({ path: dir, state: "directory", owner: "root", group: "root", mode: "0755" });
    }
    const tarball = `${DOWNLOADS}/${downloadName("wordpress", checksum, "tar.gz")}`;
    await h.get_url({ url: v.wordpress_tarball_url, dest: tarball, checksum, mode: "0644", timeout: 60 }, { name: "WordPress release tarball" });
    await h.file({ path: root, state: "directory", owner: "root", group: "root", mode: "0755" });
    await h.unarchive({ src: tarball, dest: root, remote_src: true, strip_components: 1 }, { name: `unpack WordPress into ${root}` });

    for (const p of v.wordpress_plugins) {
      const zip = `${DOWNLOADS}/plugins/${downloadName(p.name, p.checksum, "zip")}`;
      await h.get_url({ url: p.url, dest: zip, checksum: p.checksum, mode: "0644", timeout: 60 }, { name: `plugin ${p.name}: download` });
      await h.unarchive({ src: zip, dest: `${root}/wp-content/plugins`, remote_src: true }, { name: `plugin ${p.name}: unpack` });
    }

    // Code belongs to root; wp-content to www-data (uploads, updates of plugins and themes).
    // The script counts what differs (a read), and fixes it only when something does: a converged
    // tree costs one read, which leaves the play's snapshot of the host standing (docs/fast-path.md).
    await h.file({ path: LIB, state: "directory", owner: "root", group: "root", mode: "0755" });
    await h.copy({ src: "wordpress-ownership.sh", dest: `${LIB}/wordpress-ownership.sh`, owner: "root", group: "root", mode: "0755" });
    // In check mode on a new host there is no tree to count yet (the unpack did not run): the fix
    // is then what check mode reports, and a real run's fix says what is wrong, if something is.
    const ownership = await h.command(
      { argv: [`${LIB}/wordpress-ownership.sh`, "--list", root] },
      { name: "ownership: paths to give to root, to www-data", readsOnly: true, failedWhen: false },
    );
    if (ownership.rc !== 0 || ownership.stdout.trim() !== "0 0") {
      await h.command({ argv: [`${LIB}/wordpress-ownership.sh`, root] }, { name: "ownership: code root, wp-content www-data" });
    }

    const host = dbHost(v) ?? "";
    await h.template(
      {
        src: "wp-config.php.njk",
        dest: `${root}/wp-config.php`,
        owner: "root",
        group: "www-data",
        mode: "0640",
        vars: {
          wordpress_config: wpConfigLiterals({
            url,
            dbName: v.wordpress_db_name,
            dbUser: v.wordpress_db_user,
            dbPassword: v.wordpress_db_password,
            dbHost: host,
            tablePrefix: v.wordpress_table_prefix,
            salts: v.wordpress_salts,
          }),
        },
      },
      // Salts and the database password are secret() values: masked in the diff (********).
      { name: "wp-config.php" },
    );

    await h.template(
      {
        src: "nginx-wordpress.conf.njk",
        dest: "/etc/nginx/sites-available/wordpress.conf",
        mode: "0644",
        vars: { wordpress_server_name: serverName(url), wordpress_php_fpm_socket: FPM_SOCKET },
        // A vhost cannot be tested alone: a throwaway main file beside nginx.conf includes it.
        validate:
          'c=$(mktemp /etc/nginx/.dcv-vhost-check.XXXXXXXX) && { echo "events {}"; echo "http { include mime.types; include %s; }"; } > "$c" && nginx -t -q -c "$c"; r=$?; rm -f "$c"; [ $r = 0 ]',
      },
      { name: "nginx site", notify: "reload nginx" },
    );
    await h.file(
      { path: "/etc/nginx/sites-enabled/wordpress.conf", state: "link", src: "/etc/nginx/sites-available/wordpress.conf" },
      { name: "nginx site enabled", notify: "reload nginx" },
    );
    // In check mode on a fresh node the services' units do not exist yet: nothing to ask them
    // (the handlers read the same fact).
    h.setFact({ wordpress_units_pending: h.check && packages.changed });
    if (!unitsPending(h)) {
      await h.systemd({ name: FPM, state: "started", enabled: true });
      await h.systemd({ name: "nginx", state: "started", enabled: true });
    }

    await h.copy({ src: "wordpress-install.php", dest: INSTALLER, owner: "root", group: "root", mode: "0644" }, { name: "the installer script" });
    // The web nodes share one database: one of them installs and activates, once per run (and
    // per serial batch, where it finds everything done).
    await h.runOnce("wordpress: install and activate plugins", () =>
      h.command(
        {
          argv: ["php", INSTALLER, root],
          chdir: root,
          stdin: JSON.stringify({
            url,
            title: v.wordpress_site_title,
            admin_user: v.wordpress_admin_user,
            admin_email: v.wordpress_admin_email,
            admin_password: v.wordpress_admin_password,
            plugins: v.wordpress_plugins.map((p) => (p.file ? { name: p.name, file: p.file } : { name: p.name })),
          }),
        },
        {
          name: "WordPress installed, plugins active",
          become: "www-data",
          noLog: true,
          changedWhen: (r) => installChanged(r.stdout),
          // Check mode does not run it (skipped): there is no result line to ask for then.
          failedWhen: (r) => r.rc !== 0 || (!r.skipped_run && parseInstallResult(r.stdout) === undefined),
        },
      ),
    );
  },
});
