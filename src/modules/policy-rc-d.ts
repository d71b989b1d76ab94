import { shellQuote } from "../remote/quote.js";

// apt's policy_rc_d, as Ansible's apt does it: for the duration of the apt-get run,
// /usr/sbin/policy-rc.d is a script that exits with the given code (101: invoke-rc.d starts no
// service a package installs), and what was there before is put back afterwards.

export const POLICY_RC_D = "/usr/sbin/policy-rc.d";

/**
 * `script` run in a subshell with the policy in place; the policy is restored (or removed) after
 * it whatever it exits with, and the wrapper exits with the script's code. A policy that cannot
 * be put in place fails before the script runs (exit 10, named on stderr).
 */
export function withPolicyRcD(script: string, code: number, path = POLICY_RC_D): string {
  const p = shellQuote(path);
  return [
    `dcv_prc=${p}; dcv_prcb=`,
    // Moved aside into a directory next to it: same filesystem, so the move back is a rename.
    `if [ -e "$dcv_prc" ] || [ -L "$dcv_prc" ]; then dcv_prcb=$(mktemp -d "\${dcv_prc%/*}/.dcv-policy-rc.d.XXXXXXXX") && mv -- "$dcv_prc" "$dcv_prcb/policy-rc.d" || { echo "cannot move $dcv_prc aside" >&2; exit 10; }; fi`,
    `printf '#!/bin/sh\\nexit %d\\n' ${code} > "$dcv_prc" && chmod 0755 "$dcv_prc" || { echo "cannot write $dcv_prc" >&2; rm -f -- "$dcv_prc"; [ -z "$dcv_prcb" ] || mv -- "$dcv_prcb/policy-rc.d" "$dcv_prc"; exit 10; }`,
    `(\n${script}\n)`,
    "dcv_rc=$?",
    `rm -f -- "$dcv_prc"`,
    `if [ -n "$dcv_prcb" ]; then mv -- "$dcv_prcb/policy-rc.d" "$dcv_prc" && rmdir -- "$dcv_prcb" || { echo "cannot put $dcv_prc back from $dcv_prcb" >&2; exit 10; }; fi`,
    "exit $dcv_rc",
  ].join("\n");
}
