import { describe, expect, it } from "vitest";
import { argName, argProblem, argsProblem } from "../../../src/import/module-map.js";

// The module arguments Ansible roles use, under Ansible's names and aliases, as the importer maps them.

describe("module-map: arguments under Ansible's names", () => {
  it("uri: user/password are url_username/url_password; force_basic_auth and validate_certs are taken", () => {
    expect(argName("uri", "user")).toBe("url_username");
    expect(argName("uri", "password")).toBe("url_password");
    expect(argsProblem("uri", { url: "https://h.example/", url_username: "u", url_password: "p", force_basic_auth: true, validate_certs: false })).toBeUndefined();
    expect(argsProblem("uri", { url: "https://h.example/", url_password: "p" })).toBe("url_password: url_password needs url_username");
    expect(argProblem("uri", "validate_certs", "no")).toMatch(/^validate_certs: "no": /);
  });

  it("file: recurse and follow; recurse without state means a directory", () => {
    expect(argsProblem("file", { path: "/srv/app", recurse: true, owner: "www-data", follow: false })).toBeUndefined();
    expect(argsProblem("file", { path: "/srv/app", recurse: true, state: "touch" })).toBe("recurse: recurse needs state=directory");
  });

  it("apt: deb, alone and with state=present; unarchive: extra_opts", () => {
    expect(argsProblem("apt", { deb: "https://example.com/python-ppq_0.1-1_all.deb" })).toBeUndefined();
    expect(argsProblem("apt", { deb: "/tmp/mypackage.deb", state: "latest" })).toBe("deb: deb only supports state=present");
    expect(argsProblem("unarchive", { src: "/tmp/foo.zip", dest: "/usr/local/bin", remote_src: true, extra_opts: ["--transform", "s/^xxx/yyy/"] })).toBeUndefined();
  });
});
