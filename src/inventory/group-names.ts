/**
 * Group names every inventory format accepts. Characters that mean something in a host pattern
 * (`:`, `,`, `!`, `&`, `~`, `[`, `*`, ...) cannot appear in a group name, or the group could never
 * be selected.
 */
export const GROUP_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export const GROUP_NAME_PROBLEM = "invalid group name: use letters, digits, '_', '-' and '.'";
