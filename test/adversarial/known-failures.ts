// Cases of the adversarial suite that fail today, each with the defect it waits for. The suite
// requires every case listed here to still fail: once a fix makes one pass, the suite fails
// until the line is deleted, so this list only shrinks and never hides a regression.

/** Defects this suite found, each shown by the cases listed under it below. */
export const DEFECT = {
  hugeInventory: "a 200k-host inventory takes more than 30 s: each host is looked up in its group's host list (quadratic)",
  unhandledRejection: "a site module that leaves a promise rejection unhandled crashes the CLI with a Node stack trace (and its compiled source, URL-encoded)",
  duplicateRoleName: "two roles with one name in a play are accepted (SiteError promises 'a role used twice by name'); their variables share one slot",
  unknownHandler: "notifying a handler that does not exist stops the host without a word, and the run exits 0",
  malformedPattern: "a malformed host pattern (web[, web[a:b], all[) only warns 'matched no hosts'; the run does nothing and exits 0",
  limitLeavesNothing: "a --limit that leaves no host is only a warning, exit 0 (ansible-playbook refuses it)",
  dropletNames: "droplet names from the DigitalOcean API or a Terraform state are not checked as host names ('web1;touch MARK', '../../etc' become hosts)",
  hugeApiAnswer: "a 25 MB API answer of 5 million wrong items takes more than 1.5 GiB (an issue is kept per item)",
  copySrc: "a missing copy src is found only mid-run (template src is found before the run)",
  ignoreErrorsArgs: "ignoreErrors does not cover a task whose arguments the module refuses: the host stops, exit 2",
} as const;

/** Case id -> why it fails today. */
export const KNOWN_FAILURES: Readonly<Record<string, string>> = {
  "hostile/200k-hosts-inventory": DEFECT.hugeInventory,
  "site-code/unhandled-rejection-at-load": DEFECT.unhandledRejection,
  "site-code/duplicate-role-name": DEFECT.duplicateRoleName,
  "site-code/notify-unknown-handler": DEFECT.unknownHandler,
  "patterns/unclosed-bracket": DEFECT.malformedPattern,
  "patterns/bad-range": DEFECT.malformedPattern,
  "patterns/limit-unclosed-bracket": DEFECT.malformedPattern,
  "patterns/limit-excludes-everything": DEFECT.limitLeavesNothing,
  "digitalocean/hostile-droplet-names": DEFECT.dropletNames,
  "terraform/droplet-name-injection": DEFECT.dropletNames,
  "digitalocean/huge-answer": DEFECT.hugeApiAnswer,
  "injection/copy-src-missing": DEFECT.copySrc,
  "injection/ignore-errors-covers-invalid-arguments": DEFECT.ignoreErrorsArgs,
};
