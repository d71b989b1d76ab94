import { describe, expect, it } from "vitest";
import { deb822Text, fieldName, isUrl, legacySlug, slug } from "../../../src/modules/deb822-edit.js";
import { modules } from "../../../src/modules/registry.js";

// The expected texts are what ansible-core's deb822_repository (python-debian's Deb822.dump)
// returned as `repo` for the same arguments, run in check mode on this machine.

const KEY = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEYCQjIxYJKwYBBAHaRw8BAQdAD/P5Nvvnvk66SxBBHDbhRml9ORg1WV5CvzKY\n  CuMfoIS0BmFiY2RlZoiQBBMWCgA4FiEErCIG1VhKWMWo2yfAREZd5NfO31cFAmAk\n=IE0r\n-----END PGP PUBLIC KEY BLOCK-----\n";

const parse = (a: Record<string, unknown>) => modules.deb822_repository.args.parse(a);

/** The fields of parsed arguments, as the module hands them to deb822Text. */
function fieldsOf(a: Record<string, unknown>) {
  const { state: _s, mode: _m, install_python_debian: _i, ...fields } = parse(a);
  return fields;
}

describe("deb822_repository's file text, as ansible-core writes it", () => {
  it("docker's repository (geerlingguy.docker's arguments, a key file on the host)", () => {
    const text = deb822Text(fieldsOf({ name: "docker", types: "deb", uris: "https://download.docker.com/linux/debian", suites: "bookworm", components: "stable", signed_by: "/tmp/dcv-facts-oracle/key.gpg" }));
    expect(text).toBe("Components: stable\nX-Repolib-Name: docker\nSigned-By: /tmp/dcv-facts-oracle/key.gpg\nSuites: bookworm\nTypes: deb\nURIs: https://download.docker.com/linux/debian\n");
  });

  it("every field: booleans yes/no, lists space-joined, text split at commas, key text on indented lines", () => {
    const text = deb822Text(
      fieldsOf({
        name: "My Repo_x",
        types: ["deb", "deb-src"],
        uris: ["http://a.example/debian", "http://b.example/debian"],
        suites: "bookworm,bookworm-updates",
        components: ["main", "contrib"],
        architectures: "amd64",
        languages: ["en"],
        targets: ["Packages"],
        allow_downgrade_to_insecure: true,
        allow_insecure: false,
        allow_weak: false,
        by_hash: true,
        check_date: false,
        check_valid_until: false,
        date_max_future: 86400,
        enabled: true,
        inrelease_path: "dists/x/InRelease",
        pdiffs: false,
        trusted: true,
        signed_by: KEY,
      }),
    );
    expect(text).toBe(
      "Allow-Downgrade-To-Insecure: yes\nAllow-Insecure: no\nAllow-Weak: no\nArchitectures: amd64\nBy-Hash: yes\nCheck-Date: no\nCheck-Valid-Until: no\nComponents: main contrib\nDate-Max-Future: 86400\nEnabled: yes\nInrelease-Path: dists/x/InRelease\nLanguages: en\nX-Repolib-Name: My Repo_x\nPdiffs: no\nSigned-By:\n    -----BEGIN PGP PUBLIC KEY BLOCK-----\n    .\n    mDMEYCQjIxYJKwYBBAHaRw8BAQdAD/P5Nvvnvk66SxBBHDbhRml9ORg1WV5CvzKY\n    CuMfoIS0BmFiY2RlZoiQBBMWCgA4FiEErCIG1VhKWMWo2yfAREZd5NfO31cFAmAk\n    =IE0r\n    -----END PGP PUBLIC KEY BLOCK-----\nSuites: bookworm bookworm-updates\nTargets: Packages\nTrusted: yes\nTypes: deb deb-src\nURIs: http://a.example/debian http://b.example/debian\n",
    );
  });

  it("field names and file names", () => {
    expect(fieldName("signed_by")).toBe("Signed-By");
    expect(fieldName("inrelease_path")).toBe("Inrelease-Path");
    expect(fieldName("uris")).toBe("URIs");
    expect(legacySlug("My Repo_x")).toBe("my-repo-x");
    expect(slug("My Repo_x")).toBe("My-Repo_x");
    expect(isUrl("https://download.docker.com/linux/debian/gpg")).toBe(true);
    expect(isUrl("/etc/apt/keyrings/docker.asc")).toBe(false);
    expect(isUrl(KEY)).toBe(false);
  });

  it("arguments: Ansible's names and defaults; unknown ones, bad types and include with exclude refused", () => {
    expect(parse({ name: "x" })).toMatchObject({ name: "x", types: ["deb"], mode: "0644", state: "present", install_python_debian: false });
    expect(parse({ name: "x", components: 3 }).components).toEqual(["3"]);
    expect(modules.deb822_repository.args.safeParse({ name: "x", types: ["rpm"] }).success).toBe(false);
    expect(modules.deb822_repository.args.safeParse({ name: "x", filename: "y" }).success).toBe(false);
    expect(modules.deb822_repository.args.safeParse({ name: "x", include: ["a"], exclude: ["b"] }).success).toBe(false);
  });
});
