// What may end differently on the twins (twins.test.ts) after a role ran, by role, then by
// snapshot key ("section path-or-name", see snapshot.ts), each with why. The test fails on a
// difference not listed here, and on a listed one that no longer differs (then delete its line):
// the list only shrinks.

export const KNOWN_DIFFERENCES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  memcached: {},
  redis: {},
  java: {
    "sha256 /etc/ssl/certs/java/cacerts":
      "ca-certificates-java builds the JVM's trust store when a JDK is installed, from the same certificates on both hosts; a Java KeyStore (JKS) file stamps each entry with the millisecond it was added, so no two installs write the same bytes, whichever tool ran apt",
  },
};
