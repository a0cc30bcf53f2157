// Spells a value as one shell word, so a command the CLI or the demo prints can be pasted as it is.

/** `s` as a POSIX shell word: bare when it is plain, else in double quotes with `\ " $ \`` escaped. */
export function shellArg(s: string): string {
  if (/^[\w@%+=:,./-]+$/.test(s)) return s;
  return `"${s.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
}
