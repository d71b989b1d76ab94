import type { BlockSpec, LineSpec } from "../../../src/modules/line-edit.js";

// Cases for the pure lineinfile/blockinfile editors, each with what Ansible (ansible-core's
// lineinfile/blockinfile, run on the same input) produces. Data only, so the table can be
// replayed against Ansible itself.

export interface LineCase {
  name: string;
  /** null: the file does not exist (create: true). */
  content: string | null;
  spec: LineSpec;
  expect: { content: string; changed: boolean; msg: string };
}

const SELINUX = "# This file controls the state of SELinux\nSELINUX=permissive\nSELINUXTYPE=targeted\n";
const HTTPD = "ServerRoot \"/etc/httpd\"\n#Listen 12.34.56.78:80\nListen 80\nInclude conf.modules.d/*.conf\n";
const HOSTS = "127.0.0.1 localhost\n::1 localhost ip6-localhost\n";

export const LINE_CASES: LineCase[] = [
  // --- replacing: the last match of regexp wins (firstmatch: the first)
  {
    name: "regexp replaces the matching line (docs: SELINUX=enforcing)",
    content: SELINUX,
    spec: { state: "present", regexp: "^SELINUX=", line: "SELINUX=enforcing" },
    expect: { content: SELINUX.replace("SELINUX=permissive", "SELINUX=enforcing"), changed: true, msg: "line replaced" },
  },
  {
    name: "the same line again is no change",
    content: SELINUX.replace("SELINUX=permissive", "SELINUX=enforcing"),
    spec: { state: "present", regexp: "^SELINUX=", line: "SELINUX=enforcing" },
    expect: { content: SELINUX.replace("SELINUX=permissive", "SELINUX=enforcing"), changed: false, msg: "" },
  },
  {
    name: "several matches: the last one is replaced",
    content: "a=1\nb=1\na=2\nc=1\n",
    spec: { state: "present", regexp: "^a=", line: "a=9" },
    expect: { content: "a=1\nb=1\na=9\nc=1\n", changed: true, msg: "line replaced" },
  },
  {
    name: "several matches with firstmatch: the first one is replaced",
    content: "a=1\nb=1\na=2\nc=1\n",
    spec: { state: "present", regexp: "^a=", line: "a=9", firstmatch: true },
    expect: { content: "a=9\nb=1\na=2\nc=1\n", changed: true, msg: "line replaced" },
  },
  {
    name: "a match replaces even when insertafter is given (insertafter only counts without a match)",
    content: HTTPD,
    spec: { state: "present", regexp: "^Listen ", insertafter: "^#Listen ", line: "Listen 8080" },
    expect: { content: HTTPD.replace("Listen 80\n", "Listen 8080\n"), changed: true, msg: "line replaced" },
  },
  {
    name: "search_string replaces the line containing the literal string (no regex escaping)",
    content: '<FilesMatch ".php[45]?$">\n  SetHandler x\n</FilesMatch>\n',
    spec: { state: "present", search_string: '<FilesMatch ".php[45]?$">', line: '<FilesMatch ".php[345]?$">' },
    expect: { content: '<FilesMatch ".php[345]?$">\n  SetHandler x\n</FilesMatch>\n', changed: true, msg: "line replaced" },
  },
  {
    name: "search_string: the last line containing it",
    content: HOSTS,
    spec: { state: "present", search_string: "localhost", line: "::1 localhost6" },
    expect: { content: "127.0.0.1 localhost\n::1 localhost6\n", changed: true, msg: "line replaced" },
  },
  {
    name: "a matched last line without newline gets one when replaced",
    content: "a=1\nb=1",
    spec: { state: "present", regexp: "^b=", line: "b=2" },
    expect: { content: "a=1\nb=2\n", changed: true, msg: "line replaced" },
  },
  {
    name: "a matched line equal to line but lacking its newline is rewritten with one",
    content: "a=1\nb=2",
    spec: { state: "present", regexp: "^b=", line: "b=2" },
    expect: { content: "a=1\nb=2\n", changed: true, msg: "line replaced" },
  },
  {
    name: "CRLF line matched by regexp is replaced by an LF line",
    content: "a=1\r\nb=1\r\n",
    spec: { state: "present", regexp: "^a=", line: "a=1" },
    expect: { content: "a=1\nb=1\r\n", changed: true, msg: "line replaced" },
  },
  {
    name: "regexp $ matches before the line's newline (Python semantics)",
    content: "x=1\ny=2\n",
    spec: { state: "present", regexp: "^x=1$", line: "x=3" },
    expect: { content: "x=3\ny=2\n", changed: true, msg: "line replaced" },
  },

  // --- inserting
  {
    name: "no match: appended at EOF (the default)",
    content: "a=1\n",
    spec: { state: "present", regexp: "^b=", line: "b=1" },
    expect: { content: "a=1\nb=1\n", changed: true, msg: "line added" },
  },
  {
    name: "appending to a file without final newline adds one first",
    content: "a=1",
    spec: { state: "present", line: "b=1" },
    expect: { content: "a=1\nb=1\n", changed: true, msg: "line added" },
  },
  {
    name: "no regexp: a line already present anywhere is no change",
    content: "a=1\nb=1\nc=1\n",
    spec: { state: "present", line: "b=1", insertafter: "^c" },
    expect: { content: "a=1\nb=1\nc=1\n", changed: false, msg: "" },
  },
  {
    name: "regexp without match but the exact line present: no change",
    content: "a=1\nb=1\n",
    spec: { state: "present", regexp: "^zzz", line: "b=1" },
    expect: { content: "a=1\nb=1\n", changed: false, msg: "" },
  },
  {
    name: "insertafter: after the last matching line",
    content: "#Listen 1\nListen 80\n#Listen 2\nend\n",
    spec: { state: "present", regexp: "^Listen 8080", insertafter: "^#Listen ", line: "Listen 8080" },
    expect: { content: "#Listen 1\nListen 80\n#Listen 2\nListen 8080\nend\n", changed: true, msg: "line added" },
  },
  {
    name: "insertafter with firstmatch: after the first matching line",
    content: "#Listen 1\nListen 80\n#Listen 2\nend\n",
    spec: { state: "present", insertafter: "^#Listen ", line: "Listen 8080", firstmatch: true },
    expect: { content: "#Listen 1\nListen 8080\nListen 80\n#Listen 2\nend\n", changed: true, msg: "line added" },
  },
  {
    // Ansible itself writes "a\n#xy\n" here (the last line is not ended first): a bug not kept.
    name: "insertafter matching the last line (without newline) ends that line first",
    content: "a\n#x",
    spec: { state: "present", insertafter: "^#x", line: "y" },
    expect: { content: "a\n#x\ny\n", changed: true, msg: "line added" },
  },
  {
    name: "insertafter that matches nothing: EOF",
    content: "a\nb\n",
    spec: { state: "present", insertafter: "^zzz", line: "c" },
    expect: { content: "a\nb\nc\n", changed: true, msg: "line added" },
  },
  {
    name: "insertbefore: before the last matching line",
    content: "x\nInclude a\nInclude b\n",
    spec: { state: "present", insertbefore: "^Include", line: "Listen 80" },
    expect: { content: "x\nInclude a\nListen 80\nInclude b\n", changed: true, msg: "line added" },
  },
  {
    name: "insertbefore with firstmatch: before the first matching line",
    content: "x\nInclude a\nInclude b\n",
    spec: { state: "present", insertbefore: "^Include", line: "Listen 80", firstmatch: true },
    expect: { content: "x\nListen 80\nInclude a\nInclude b\n", changed: true, msg: "line added" },
  },
  {
    name: "insertbefore that matches nothing: EOF",
    content: "a\n",
    spec: { state: "present", insertbefore: "^zzz", line: "c" },
    expect: { content: "a\nc\n", changed: true, msg: "line added" },
  },
  {
    name: "insertbefore BOF",
    content: "a\nb\n",
    spec: { state: "present", insertbefore: "BOF", line: "#!/bin/sh" },
    expect: { content: "#!/bin/sh\na\nb\n", changed: true, msg: "line added" },
  },
  {
    name: "insertafter BOF inserts at the beginning too",
    content: "a\n",
    spec: { state: "present", insertafter: "BOF", line: "first" },
    expect: { content: "first\na\n", changed: true, msg: "line added" },
  },
  {
    name: "firstmatch stops at the first insertafter match before seeing the line further down (Ansible quirk)",
    content: "#x\na\ny\n",
    spec: { state: "present", insertafter: "^#x", line: "y", firstmatch: true },
    expect: { content: "#x\ny\na\ny\n", changed: true, msg: "line added" },
  },
  {
    name: "create: a missing file gets the line",
    content: null,
    spec: { state: "present", regexp: "^a=", line: "a=1" },
    expect: { content: "a=1\n", changed: true, msg: "line added" },
  },
  {
    name: "an empty file gets the line",
    content: "",
    spec: { state: "present", line: "a=1", insertbefore: "^x" },
    expect: { content: "a=1\n", changed: true, msg: "line added" },
  },

  // --- backrefs
  {
    name: "backrefs: the line is built from the match's groups (docs: Xms)",
    content: "JAVA_OPTS=-server -Xms512m -Dx=1\n",
    spec: { state: "present", regexp: "^(.*)Xms(\\d+)m(.*)$", line: "\\1Xms1024m\\3", backrefs: true },
    expect: { content: "JAVA_OPTS=-server -Xms1024m -Dx=1\n", changed: true, msg: "line replaced" },
  },
  {
    name: "backrefs with no match: nothing changes, nothing is appended",
    content: "JAVA_OPTS=-server\n",
    spec: { state: "present", regexp: "^(.*)Xms(\\d+)m(.*)$", line: "\\1Xms1024m\\3", backrefs: true },
    expect: { content: "JAVA_OPTS=-server\n", changed: false, msg: "" },
  },
  {
    name: "backrefs with named groups (\\g<name>)",
    content: "port = 80\n",
    spec: { state: "present", regexp: "^(?P<key>port)\\s*=\\s*\\d+$", line: "\\g<key> = 8080", backrefs: true },
    expect: { content: "port = 8080\n", changed: true, msg: "line replaced" },
  },
  {
    name: "without backrefs, \\1 is written literally",
    content: "port = 80\n",
    spec: { state: "present", regexp: "^(port)", line: "\\1 = 8080" },
    expect: { content: "\\1 = 8080\n", changed: true, msg: "line replaced" },
  },
  {
    name: "backrefs: idempotent once the built line is there",
    content: "JAVA_OPTS=-server -Xms1024m -Dx=1\n",
    spec: { state: "present", regexp: "^(.*)Xms(\\d+)m(.*)$", line: "\\1Xms1024m\\3", backrefs: true },
    expect: { content: "JAVA_OPTS=-server -Xms1024m -Dx=1\n", changed: false, msg: "" },
  },

  // --- absent
  {
    name: "absent by regexp removes every matching line (docs: %wheel)",
    content: "root ALL=(ALL) ALL\n%wheel ALL=(ALL) ALL\n%wheel2 x\n",
    spec: { state: "absent", regexp: "^%wheel" },
    expect: { content: "root ALL=(ALL) ALL\n", changed: true, msg: "2 line(s) removed" },
  },
  {
    name: "absent by line removes exact lines only",
    content: "a\na \n a\na\n",
    spec: { state: "absent", line: "a" },
    expect: { content: "a \n a\n", changed: true, msg: "2 line(s) removed" },
  },
  {
    name: "absent by search_string",
    content: "127.0.0.1 localhost\n10.0.0.1 old.example\n",
    spec: { state: "absent", search_string: "old.example" },
    expect: { content: "127.0.0.1 localhost\n", changed: true, msg: "1 line(s) removed" },
  },
  {
    name: "absent with nothing matching: no change",
    content: "a\n",
    spec: { state: "absent", regexp: "^b" },
    expect: { content: "a\n", changed: false, msg: "" },
  },
];

export interface BlockCase {
  name: string;
  content: string | null;
  spec: Partial<BlockSpec> & { state: BlockSpec["state"]; block: string };
  expect: { content: string; changed: boolean; msg: string };
}

const B = (body: string, m = "ANSIBLE MANAGED BLOCK") => `# BEGIN ${m}\n${body}# END ${m}\n`;

export const BLOCK_CASES: BlockCase[] = [
  {
    name: "a new block goes at EOF",
    content: "a\n",
    spec: { state: "present", block: "x=1\ny=2" },
    expect: { content: `a\n${B("x=1\ny=2\n")}`, changed: true, msg: "Block inserted" },
  },
  {
    name: "the same block again is no change",
    content: `a\n${B("x=1\ny=2\n")}`,
    spec: { state: "present", block: "x=1\ny=2\n" },
    expect: { content: `a\n${B("x=1\ny=2\n")}`, changed: false, msg: "" },
  },
  {
    name: "an existing block is replaced in place",
    content: `a\n${B("old\n")}z\n`,
    spec: { state: "present", block: "new" },
    expect: { content: `a\n${B("new\n")}z\n`, changed: true, msg: "Block inserted" },
  },
  {
    name: "state=absent removes the block and its markers",
    content: `a\n${B("old\n")}z\n`,
    spec: { state: "absent", block: "" },
    expect: { content: "a\nz\n", changed: true, msg: "Block removed" },
  },
  {
    name: "an empty block removes it too",
    content: `a\n${B("old\n")}`,
    spec: { state: "present", block: "" },
    expect: { content: "a\n", changed: true, msg: "Block removed" },
  },
  {
    name: "state=absent without a block: no change",
    content: "a\n",
    spec: { state: "absent", block: "" },
    expect: { content: "a\n", changed: false, msg: "" },
  },
  {
    name: "a custom marker (docs: <!-- {mark} ANSIBLE MANAGED BLOCK -->)",
    content: "<html>\n<body>\n</body>\n",
    spec: { state: "present", block: "<h1>Welcome</h1>", marker: "<!-- {mark} ANSIBLE MANAGED BLOCK -->", insertafter: "<body>" },
    expect: { content: "<html>\n<body>\n<!-- BEGIN ANSIBLE MANAGED BLOCK -->\n<h1>Welcome</h1>\n<!-- END ANSIBLE MANAGED BLOCK -->\n</body>\n", changed: true, msg: "Block inserted" },
  },
  {
    name: "marker_begin/marker_end",
    content: "",
    spec: { state: "present", block: "k", marker_begin: "START", marker_end: "STOP" },
    expect: { content: "# START ANSIBLE MANAGED BLOCK\nk\n# STOP ANSIBLE MANAGED BLOCK\n", changed: true, msg: "Block inserted" },
  },
  {
    name: "insertafter: after the last matching line",
    content: "Match a\nx\nMatch b\ny\n",
    spec: { state: "present", block: "k", insertafter: "^Match" },
    expect: { content: `Match a\nx\nMatch b\n${B("k\n")}y\n`, changed: true, msg: "Block inserted" },
  },
  {
    name: "insertbefore: before the last matching line",
    content: "Match a\nx\nMatch b\ny\n",
    spec: { state: "present", block: "k", insertbefore: "^Match" },
    expect: { content: `Match a\nx\n${B("k\n")}Match b\ny\n`, changed: true, msg: "Block inserted" },
  },
  {
    name: "insertbefore BOF",
    content: "a\n",
    spec: { state: "present", block: "k", insertbefore: "BOF" },
    expect: { content: `${B("k\n")}a\n`, changed: true, msg: "Block inserted" },
  },
  {
    name: "insertafter without a match: EOF",
    content: "a\n",
    spec: { state: "present", block: "k", insertafter: "^zzz" },
    expect: { content: `a\n${B("k\n")}`, changed: true, msg: "Block inserted" },
  },
  {
    name: "a (?m) insertafter is searched in the whole text",
    content: "a\nb\nc\n",
    spec: { state: "present", block: "k", insertafter: "(?m)^b$" },
    expect: { content: `a\nb\n${B("k\n")}c\n`, changed: true, msg: "Block inserted" },
  },
  {
    name: "a (?m) insertbefore is searched in the whole text",
    content: "a\nb\nc\n",
    spec: { state: "present", block: "k", insertbefore: "(?m)^b" },
    expect: { content: `a\n${B("k\n")}b\nc\n`, changed: true, msg: "Block inserted" },
  },
  {
    name: "the last line gets its newline before an appended block",
    content: "a",
    spec: { state: "present", block: "k" },
    expect: { content: `a\n${B("k\n")}`, changed: true, msg: "Block inserted" },
  },
  {
    name: "an existing block is found wherever the file has it, insertafter ignored",
    content: `${B("old\n")}a\nb\n`,
    spec: { state: "present", block: "new", insertafter: "^b" },
    expect: { content: `${B("new\n")}a\nb\n`, changed: true, msg: "Block inserted" },
  },
  {
    name: "markers in the wrong order: the span between them is replaced",
    content: "# END ANSIBLE MANAGED BLOCK\nx\n# BEGIN ANSIBLE MANAGED BLOCK\ny\n",
    spec: { state: "present", block: "k" },
    expect: { content: `${B("k\n")}y\n`, changed: true, msg: "Block inserted" },
  },
  {
    name: "only a begin marker: a second block is added at EOF",
    content: "# BEGIN ANSIBLE MANAGED BLOCK\nx\n",
    spec: { state: "present", block: "k" },
    expect: { content: `# BEGIN ANSIBLE MANAGED BLOCK\nx\n${B("k\n")}`, changed: true, msg: "Block inserted" },
  },
  {
    name: "create: a missing file gets the block",
    content: null,
    spec: { state: "present", block: "k" },
    expect: { content: B("k\n"), changed: true, msg: "File created" },
  },
];

/** ansible-core 2.16's append_newline/prepend_newline (not in 2.14: checked against its source). */
export const BLOCK_NEWLINE_CASES: BlockCase[] = [
  {
    name: "prepend_newline: a blank line before the block",
    content: "a\n",
    spec: { state: "present", block: "k", prepend_newline: true },
    expect: { content: `a\n\n${B("k\n")}`, changed: true, msg: "Block inserted" },
  },
  {
    name: "prepend_newline: not at the beginning of the file",
    content: "a\n",
    spec: { state: "present", block: "k", insertbefore: "BOF", prepend_newline: true },
    expect: { content: `${B("k\n")}a\n`, changed: true, msg: "Block inserted" },
  },
  {
    name: "prepend_newline: not when a blank line is there",
    content: "a\n\n",
    spec: { state: "present", block: "k", prepend_newline: true },
    expect: { content: `a\n\n${B("k\n")}`, changed: true, msg: "Block inserted" },
  },
  {
    name: "append_newline: a blank line after the block",
    content: "a\n",
    spec: { state: "present", block: "k", insertbefore: "BOF", append_newline: true },
    expect: { content: `${B("k\n")}\na\n`, changed: true, msg: "Block inserted" },
  },
  {
    name: "append_newline: not at the end of the file",
    content: "a\n",
    spec: { state: "present", block: "k", append_newline: true },
    expect: { content: `a\n${B("k\n")}`, changed: true, msg: "Block inserted" },
  },
  {
    name: "both, then converged again: no change",
    content: `a\n\n${B("k\n")}\nz\n`,
    spec: { state: "present", block: "k", insertafter: "^a", prepend_newline: true, append_newline: true },
    expect: { content: `a\n\n${B("k\n")}\nz\n`, changed: false, msg: "" },
  },
];
