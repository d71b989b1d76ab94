import { SiteError } from "./errors.js";

declare const byHand: unique symbol;
/**
 * No value has this type: a call of notConverted() never type-checks, and tsc's message quotes
 * the place it names (Argument of type '"tasks/main.yml:12: ansible.builtin.cron: ..."' is not
 * assignable to parameter of type '... & AnsibleTaskToConvertByHand'), so the site cannot run
 * until someone has converted that task by hand.
 */
export interface AnsibleTaskToConvertByHand {
  readonly [byHand]: true;
}

/**
 * Stands for an Ansible task the importer could not convert; see AnsibleTaskToConvertByHand.
 * It returns void, not never: tsc would take the code after a never-returning call as
 * unreachable and report it instead, burying the one place that needs converting.
 */
export function notConverted<const P extends string>(place: P & AnsibleTaskToConvertByHand): void {
  // Reached only when the type-check was skipped (--no-typecheck).
  throw new SiteError(`a task imported from Ansible was not converted: ${String(place)}`);
}
