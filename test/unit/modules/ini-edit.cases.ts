import type { IniSpec } from "../../../src/modules/ini-edit.js";

// Cases for the pure ini_file editor. What community.general.ini_file 6.6.2 makes of each is
// recorded in ini-edit.expected.json by ansible-oracle/record-ini.ts, which runs the real module
// (from Debian 12's `ansible` 7.7.0 package) on them. Data only, so the table can be replayed.

export interface IniCase {
  name: string;
  /** The file's bytes as text; null: no file. */
  content: string | null;
  spec: Partial<IniSpec> & { state?: IniSpec["state"] };
}

const PHP = "[PHP]\nengine = On\n; memory_limit = 64M\nmemory_limit = 128M\n\n[Date]\n;date.timezone =\n\n[mail function]\nSMTP = localhost\n";
const MY = "[client]\nport=3306\n\n[mysqld]\nskip-external-locking\nbind-address = 127.0.0.1\n# a comment\n\n[mysqldump]\nquick\n";
const MULTI = "[repo]\nname = x\nbaseurl = a\nbaseurl = b\nenabled = 1\n";

/** Cases where ini_file itself changes the file again on every run: kept, as Ansible does it. */
export const NOT_IDEMPOTENT_IN_ANSIBLE = ["allow_no_value with a value", "allow_no_value with a value, run again: a bare line more each run"];

export const INI_CASES: IniCase[] = [
  { name: "a new file: a blank line, then the section", content: null, spec: { section: "drinks", option: "fav", values: ["lemonade"] } },
  { name: "a new file, no section: the option alone", content: null, spec: { option: "fav", values: ["lemonade"] } },
  { name: "an empty file", content: "", spec: { section: "s", option: "a", values: ["1"] } },
  { name: "the same value: no change", content: "[s]\na = 1\nb = 2\n", spec: { section: "s", option: "a", values: ["1"] } },
  { name: "changing a value", content: PHP, spec: { section: "PHP", option: "memory_limit", values: ["256M"] } },
  { name: "the same value: a commented-out duplicate still goes", content: PHP, spec: { section: "PHP", option: "memory_limit", values: ["128M"] } },
  { name: "the same value spelled differently is respaced", content: "[s]\na=1\n", spec: { section: "s", option: "a", values: ["1"] } },
  { name: "no_extra_spaces keeps a=1", content: "[s]\na=1\n", spec: { section: "s", option: "a", values: ["1"], no_extra_spaces: true } },
  { name: "no_extra_spaces respaces a = 1", content: "[s]\na = 1\n", spec: { section: "s", option: "a", values: ["1"], no_extra_spaces: true } },
  { name: "a commented-out option is taken over", content: PHP, spec: { section: "Date", option: "date.timezone", values: ["UTC"] } },
  { name: "a new option goes after the section's last real line", content: PHP, spec: { section: "PHP", option: "max_execution_time", values: ["30"] } },
  { name: "a new option in a section followed by comments", content: MY, spec: { section: "mysqld", option: "max_connections", values: ["500"] } },
  { name: "a new option in the last section", content: PHP, spec: { section: "mail function", option: "smtp_port", values: ["25"] } },
  { name: "a new section is appended", content: PHP, spec: { section: "opcache", option: "opcache.enable", values: ["1"] } },
  { name: "a missing final newline is added (a change by itself)", content: "[s]\na = 1", spec: { section: "s", option: "a", values: ["1"] } },
  { name: "a missing final newline and a new option", content: "[s]\na = 1", spec: { section: "s", option: "b", values: ["2"] } },
  { name: "an option before the first section", content: "top = 1\n[s]\na = 1\n", spec: { option: "top", values: ["2"] } },
  { name: "a new option before the first section", content: "# head\ntop = 1\n\n[s]\na = 1\n", spec: { option: "other", values: ["x"] } },
  { name: "a file that starts with a section: no-section option goes first", content: "[s]\na = 1\n", spec: { option: "z", values: ["9"] } },
  { name: "the section is matched as a prefix of the header line", content: "[s] ; comment\na = 1\n", spec: { section: "s", option: "a", values: ["2"] } },
  { name: "two consecutive headers of the section: the last one counts", content: "[s]\na = 1\n[s]\nb = 2\n[t]\n", spec: { section: "s", option: "a", values: ["3"] } },
  { name: "the option name is literal (regex characters escaped)", content: "[s]\na.b = 1\naxb = 2\n", spec: { section: "s", option: "a.b", values: ["3"] } },
  { name: "spaces and tabs around the equals sign", content: "[s]\n\t a \t=\t 1\n", spec: { section: "s", option: "a", values: ["2"] } },
  { name: "exclusive: duplicates of the option go", content: "[s]\na = 1\nb = 0\na = 2\n#a = 3\n", spec: { section: "s", option: "a", values: ["9"] } },
  { name: "exclusive with values: lines take the values in order", content: MULTI, spec: { section: "repo", option: "baseurl", values: ["c", "d"] } },
  { name: "exclusive with values: a kept value stays where it is", content: MULTI, spec: { section: "repo", option: "baseurl", values: ["b", "c"] } },
  { name: "exclusive with more values than lines: the rest are inserted", content: MULTI, spec: { section: "repo", option: "baseurl", values: ["a", "b", "c"] } },
  { name: "exclusive with fewer values: the other lines go", content: MULTI, spec: { section: "repo", option: "baseurl", values: ["b"] } },
  { name: "not exclusive: a new value is added beside the others", content: MULTI, spec: { section: "repo", option: "baseurl", values: ["c"], exclusive: false } },
  { name: "not exclusive: a present value is no change", content: MULTI, spec: { section: "repo", option: "baseurl", values: ["a"], exclusive: false } },
  { name: "duplicate values count once", content: "[s]\n", spec: { section: "s", option: "a", values: ["1", "1", "2"] } },
  { name: "an empty value", content: "[s]\na = 1\n", spec: { section: "s", option: "a", values: [""] } },
  { name: "allow_no_value: a bare option is added", content: MY, spec: { section: "mysqld", option: "skip-name-resolve", allow_no_value: true } },
  { name: "allow_no_value: a bare option already there", content: MY, spec: { section: "mysqld", option: "skip-external-locking", allow_no_value: true } },
  { name: "allow_no_value: an option with a value becomes bare", content: "[s]\na = 1\n", spec: { section: "s", option: "a", allow_no_value: true } },
  { name: "allow_no_value: a bare option in a new section", content: "[s]\n", spec: { section: "t", option: "a", allow_no_value: true } },
  { name: "allow_no_value: only a section", content: "[s]\n", spec: { section: "t", allow_no_value: true } },
  { name: "allow_no_value with a value", content: "[s]\na\n", spec: { section: "s", option: "a", values: ["1"], allow_no_value: true } },
  { name: "allow_no_value with a value, run again: a bare line more each run", content: "[s]\na\na = 1\n", spec: { section: "s", option: "a", values: ["1"], allow_no_value: true } },
  { name: "absent: the option goes (every line of it)", content: MULTI, spec: { state: "absent", section: "repo", option: "baseurl" } },
  { name: "absent: a commented-out option stays", content: PHP, spec: { state: "absent", section: "PHP", option: "memory_limit" } },
  { name: "absent, not exclusive: only the given value goes", content: MULTI, spec: { state: "absent", section: "repo", option: "baseurl", values: ["a"], exclusive: false } },
  { name: "absent, not exclusive, without values: nothing", content: MULTI, spec: { state: "absent", section: "repo", option: "baseurl", exclusive: false } },
  { name: "absent: a missing option is no change", content: PHP, spec: { state: "absent", section: "PHP", option: "nope" } },
  { name: "absent: an option in a missing section is no change", content: PHP, spec: { state: "absent", section: "nope", option: "engine" } },
  { name: "absent: the whole section goes", content: PHP, spec: { state: "absent", section: "Date" } },
  { name: "absent: the last section goes", content: PHP, spec: { state: "absent", section: "mail function" } },
  { name: "absent: a missing section is no change", content: PHP, spec: { state: "absent", section: "nope" } },
  { name: "absent: an option before the first section", content: "top = 1\n[s]\ntop = 2\n", spec: { state: "absent", option: "top" } },
  { name: "absent on a missing file: nothing", content: null, spec: { state: "absent", section: "s", option: "a" } },
  { name: "CRLF lines become LF when the file changes", content: "[s]\r\na = 1\r\n", spec: { section: "s", option: "a", values: ["2"] } },
  { name: "a BOM is dropped when the file changes", content: "\uFEFF[s]\na = 1\n", spec: { section: "s", option: "b", values: ["2"] } },
  { name: "non-ASCII names and values", content: "[café]\nnom = été\n", spec: { section: "café", option: "nom", values: ["hiver"] } },
  { name: "a value with equals signs and spaces", content: "[s]\nopts = a=b c\n", spec: { section: "s", option: "opts", values: ["a=b  c=d"] } },
  { name: "an option whose name is a prefix of another", content: "[s]\nport_x = 1\nport = 2\n", spec: { section: "s", option: "port", values: ["3"] } },
];
