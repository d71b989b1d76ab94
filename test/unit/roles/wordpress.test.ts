import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  SALT_KEYS,
  dbHost,
  downloadName,
  installChanged,
  parseInstallResult,
  parsePublishedSha1,
  phpString,
  publishedChecksumUrl,
  serverName,
  wpConfigLiterals,
} from "../../../roles/wordpress/config.js";
import { wordpress } from "../../../roles/wordpress/index.js";
import { createTemplateEngine } from "../../../src/template/index.js";

const salts = Object.fromEntries(SALT_KEYS.map((k) => [k, `${k}-value-with-$-and-'quote'`])) as Record<(typeof SALT_KEYS)[number], string>;

const required = {
  wordpress_url: "http://blog.example.com/",
  wordpress_admin_email: "admin@example.com",
  wordpress_admin_password: "correct horse battery staple",
  wordpress_db_password: "0123456789abcdef",
  wordpress_salts: salts,
  reserved_ip: "10.78.0.250",
};

describe("wordpress: PHP literals", () => {
  it("quotes only what single-quoted PHP strings treat specially", () => {
    expect(phpString("plain")).toBe("'plain'");
    expect(phpString("it's")).toBe("'it\\'s'");
    expect(phpString("back\\slash")).toBe("'back\\\\slash'");
    expect(phpString("$var {x} \"q\"")).toBe("'$var {x} \"q\"'");
    // A trailing backslash must not escape the closing quote.
    expect(phpString("end\\")).toBe("'end\\\\'");
  });

  it("wp-config values: the URL without trailing slash, salts in WordPress's order", () => {
    const l = wpConfigLiterals({ url: "https://blog.example.com/", dbName: "wp", dbUser: "u", dbPassword: "p'w", dbHost: "10.78.0.250", tablePrefix: "wp_", salts });
    expect(l.url).toBe("'https://blog.example.com'");
    expect(l.db_password).toBe("'p\\'w'");
    expect(l.salts.map((s) => s.name)).toEqual(["AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT", "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT"]);
  });
});

describe("wordpress: addresses and downloads", () => {
  it("server_name is the URL's host", () => {
    expect(serverName("https://blog.example.com:8443/path")).toBe("blog.example.com");
    expect(serverName("http://10.78.0.20")).toBe("10.78.0.20");
  });

  it("the database host defaults to the Reserved IP", () => {
    expect(dbHost({ reserved_ip: "10.78.0.250" })).toBe("10.78.0.250");
    expect(dbHost({ reserved_ip: "10.78.0.250", wordpress_db_host: "10.77.0.18" })).toBe("10.77.0.18");
    expect(dbHost({})).toBeUndefined();
  });

  it("wordpress.org publishes a SHA-1 beside its releases; other URLs have none", () => {
    expect(publishedChecksumUrl("https://wordpress.org/latest.tar.gz")).toBe("https://wordpress.org/latest.tar.gz.sha1");
    expect(publishedChecksumUrl("https://wordpress.org/wordpress-6.5.2.tar.gz")).toBe("https://wordpress.org/wordpress-6.5.2.tar.gz.sha1");
    expect(publishedChecksumUrl("http://wordpress.org/latest.tar.gz")).toBeUndefined();
    expect(publishedChecksumUrl("https://mirror.example/latest.tar.gz")).toBeUndefined();
    expect(publishedChecksumUrl("https://wordpress.org/latest.zip")).toBeUndefined();
    expect(publishedChecksumUrl("not a url")).toBeUndefined();
  });

  it("reads a published .sha1 body", () => {
    const hex = "a".repeat(40);
    expect(parsePublishedSha1(`${hex}\n`)).toBe(`sha1:${hex}`);
    expect(parsePublishedSha1(`${hex.toUpperCase()}  latest.tar.gz\n`)).toBe(`sha1:${hex}`);
    expect(parsePublishedSha1("<html>not found</html>")).toBeUndefined();
    expect(parsePublishedSha1("a".repeat(41))).toBeUndefined();
  });

  it("download names follow the checksum, so a new release is a new file", () => {
    expect(downloadName("wordpress", "sha256:EDFF519E05CBC2B25B7839C1C51ADC2E", "tar.gz")).toBe("wordpress-edff519e05cbc2b2.tar.gz");
    expect(downloadName("dcv-lab-plugin", `sha1:${"b".repeat(40)}`, "zip")).toBe(`dcv-lab-plugin-${"b".repeat(16)}.zip`);
  });
});

describe("wordpress: the installer's result line", () => {
  const line = (r: object) => `dcv-wordpress-result: ${JSON.stringify(r)}`;

  it("changed only for a fresh installation, a password set or a newly active plugin", () => {
    expect(installChanged(line({ installed: true, activated: [], active: [], version: "6.1.9" }))).toBe(true);
    expect(installChanged(line({ installed: false, password_set: true, activated: [], active: [], version: "6.1.9" }))).toBe(true);
    expect(installChanged(line({ installed: false, password_set: false, activated: [], active: [], version: "6.1.9" }))).toBe(false);
    expect(installChanged(line({ installed: false, activated: ["p/p.php"], active: [], version: "6.1.9" }))).toBe(true);
    expect(installChanged(line({ installed: false, activated: [], active: ["p/p.php"], version: "6.1.9" }))).toBe(false);
  });

  it("takes the last result line and ignores PHP's notices around it", () => {
    const out = `Notice: something\n${line({ installed: true, activated: [], active: [], version: "1" })}\n${line({ installed: false, activated: [], active: [], version: "6.1.9" })}\n`;
    expect(parseInstallResult(out)).toEqual({ installed: false, password_set: false, activated: [], active: [], version: "6.1.9" });
  });

  it("no result (WordPress died early, e.g. no database) is undefined, never 'unchanged'", () => {
    expect(parseInstallResult("<h1>Error establishing a database connection</h1>")).toBeUndefined();
    expect(parseInstallResult("dcv-wordpress-result: {not json")).toBeUndefined();
    expect(parseInstallResult(line({ installed: "yes" }))).toBeUndefined();
    expect(installChanged("")).toBe(false);
  });
});

describe("wordpress: variables", () => {
  const parse = (vars: Record<string, unknown>) => wordpress.varsSchema.safeParse(vars);

  it("defaults: the official latest release, /var/www/wordpress, no plugins", () => {
    const r = parse(required);
    expect(r.success).toBe(true);
    expect(r.data).toMatchObject({
      wordpress_tarball_url: "https://wordpress.org/latest.tar.gz",
      wordpress_root: "/var/www/wordpress",
      wordpress_plugins: [],
      wordpress_db_name: "wordpress",
      wordpress_db_user: "wordpress",
      wordpress_http_port: 80,
    });
  });

  it("a tarball from elsewhere needs its checksum", () => {
    const r = parse({ ...required, wordpress_tarball_url: "http://10.77.0.1:8090/wordpress-6.1.9.tar.gz" });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join("."))).toContain("wordpress_tarball_checksum");
    expect(parse({ ...required, wordpress_tarball_url: "http://10.77.0.1:8090/wordpress-6.1.9.tar.gz", wordpress_tarball_checksum: `sha256:${"c".repeat(64)}` }).success).toBe(true);
  });

  it("a database host is required: wordpress_db_host or reserved_ip", () => {
    const { reserved_ip: _, ...noHost } = required;
    const r = parse(noHost);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join("."))).toContain("wordpress_db_host");
    expect(parse({ ...noHost, wordpress_db_host: "10.77.0.18" }).success).toBe(true);
  });

  it("every salt is required; plugins need a checksum", () => {
    const { nonce_salt: _, ...fewer } = salts;
    expect(parse({ ...required, wordpress_salts: fewer }).success).toBe(false);
    expect(parse({ ...required, wordpress_plugins: [{ name: "p", url: "https://example.com/p.zip" }] }).success).toBe(false);
  });
});

describe("wordpress: templates", () => {
  const engine = createTemplateEngine({ searchPaths: [resolve(import.meta.dirname, "../../../templates")] });

  it("wp-config.php: every value a PHP literal, DB_HOST as given", () => {
    const config = wpConfigLiterals({ url: "http://blog.example.com", dbName: "wordpress", dbUser: "wordpress", dbPassword: "pw'\\", dbHost: "10.78.0.250", tablePrefix: "wp_", salts });
    const out = engine.renderFile("wp-config.php.njk", { wordpress_config: config });
    expect(out).toContain("define( 'DB_HOST', '10.78.0.250' );");
    expect(out).toContain("define( 'DB_PASSWORD', 'pw\\'\\\\' );");
    expect(out).toContain("define( 'NONCE_SALT', 'nonce_salt-value-with-$-and-\\'quote\\'' );");
    expect(out).toContain("$table_prefix = 'wp_';");
    expect(out).toContain("define( 'WP_HOME', 'http://blog.example.com' );");
    expect(out.trimEnd().endsWith("require_once ABSPATH . 'wp-settings.php';")).toBe(true);
  });

  it("nginx: the site's name, the root, PHP through the FPM socket", () => {
    const out = engine.renderFile("nginx-wordpress.conf.njk", {
      wordpress_http_port: 80,
      wordpress_server_name: "blog.example.com",
      wordpress_root: "/var/www/wordpress",
      wordpress_upload_max_size: "64M",
      wordpress_php_fpm_socket: "/run/php/php8.2-fpm.sock",
    });
    expect(out).toContain("listen 80 default_server;");
    expect(out).toContain("server_name blog.example.com;");
    expect(out).toContain("root /var/www/wordpress;");
    expect(out).toContain("fastcgi_pass unix:/run/php/php8.2-fpm.sock;");
    expect(out).toContain("location ~ /\\. { deny all; }");
  });
});
