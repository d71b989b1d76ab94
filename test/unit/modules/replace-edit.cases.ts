import type { ReplaceSpec } from "../../../src/modules/replace-edit.js";

// Cases for the pure replace editor; replace-edit.test.ts runs ansible-core's own replace module
// (ansible.modules.replace) on each and compares. Data only.

export interface ReplaceCase {
  name: string;
  content: string;
  spec: ReplaceSpec;
}

const HOSTS = "127.0.0.1 localhost\n127.0.1.1 web1\n::1 localhost ip6-localhost\n";
const SSHD = "#Port 22\nListenAddress 10.0.0.1\nPermitRootLogin yes\nPasswordAuthentication yes\n";
const APACHE = "<VirtualHost *:80>\n  ServerName old.example\n  DocumentRoot /var/www/old\n</VirtualHost>\n<VirtualHost *:443>\n  ServerName old.example\n</VirtualHost>\n";

export const REPLACE_CASES: ReplaceCase[] = [
  { name: "docs: localhost gets a domain (groups, \\b)", content: HOSTS, spec: { regexp: "\\b(localhost)(\\d*)\\b", replace: "\\1\\2.localdomain\\2 \\1\\2" } },
  { name: "every match is replaced", content: "a a a\n", spec: { regexp: "a", replace: "b" } },
  { name: "no match: no change", content: HOSTS, spec: { regexp: "^nothing", replace: "x" } },
  { name: "matches replaced by themselves: no change", content: "x=1\nx=2\n", spec: { regexp: "^x=(\\d)$", replace: "x=\\1" } },
  { name: "^ and $ are per line (MULTILINE)", content: SSHD, spec: { regexp: "^PermitRootLogin .*$", replace: "PermitRootLogin no" } },
  { name: "\\g<1> and a literal digit", content: SSHD, spec: { regexp: "^(ListenAddress[ ]+)[^\\n]+$", replace: "\\g<1>0.0.0.0" } },
  { name: "named groups and \\n in the replacement", content: SSHD, spec: { regexp: "^(?P<dctv>ListenAddress[ ]+)(?P<host>[^\\n]+)$", replace: "#\\g<dctv>\\g<host>\\n\\g<dctv>0.0.0.0" } },
  { name: "an empty replace removes the matches", content: "keep\ndrop me\nkeep\n", spec: { regexp: "^drop.*\\n", replace: "" } },
  { name: "a match across lines", content: "a\nb\nc\n", spec: { regexp: "a\\nb", replace: "ab" } },
  { name: ". does not match a newline", content: "a\nb\n", spec: { regexp: "a.b", replace: "x" } },
  { name: "after: only the text after the first match", content: APACHE, spec: { regexp: "old\\.example", replace: "new.example", after: "<VirtualHost \\*:443>" } },
  { name: "before: only the text before the first match", content: APACHE, spec: { regexp: "old\\.example", replace: "new.example", before: "<VirtualHost \\*:443>" } },
  { name: "after and before: between them (non-greedy)", content: APACHE, spec: { regexp: "old", replace: "new", after: "<VirtualHost \\*:80>", before: "</VirtualHost>" } },
  { name: "after and before that do not match: nothing", content: APACHE, spec: { regexp: "old", replace: "new", after: "<Nothing>", before: "</VirtualHost>" } },
  { name: "before is greedy alone: up to its last match", content: "x\nEND\nx\nEND\nx\n", spec: { regexp: "x", replace: "y", before: "END" } },
  { name: "after is the first match", content: "x\nSTART\nx\nSTART\nx\n", spec: { regexp: "x", replace: "y", after: "START" } },
  { name: "an empty after is no bound", content: "x\n", spec: { regexp: "x", replace: "y", after: "" } },
  { name: "\\w is Unicode (a str pattern)", content: "name=café\n", spec: { regexp: "=\\w+$", replace: "=tea" } },
  { name: "\\d is Unicode too", content: "n=٣\n", spec: { regexp: "=\\d$", replace: "=3" } },
  { name: "an inline flag: (?i)", content: "Foo foo FOO\n", spec: { regexp: "(?i)foo", replace: "bar" } },
  { name: "empty matches between characters (Python 3.7+)", content: "abc\n", spec: { regexp: "x*", replace: "-" } },
  { name: "$ before the final newline and at the end of each line", content: "a\nb\n", spec: { regexp: "$", replace: ";" } },
  { name: "\\Z is the very end", content: "a\nb\n", spec: { regexp: "\\Z", replace: "END" } },
  { name: "an unmatched group is empty", content: "ab\nb\n", spec: { regexp: "^(a)?b", replace: "[\\1]" } },
  { name: "a file without a final newline", content: "k=1", spec: { regexp: "^k=.*$", replace: "k=2" } },
  { name: "CRLF lines: $ is before \\n only", content: "a=1\r\nb=2\r\n", spec: { regexp: "=(\\d)$", replace: "=<\\1>" } },
  { name: "a commented line uncommented", content: "#PasswordAuthentication yes\n", spec: { regexp: "^#?PasswordAuthentication .*", replace: "PasswordAuthentication no" } },
];
