/**
 * Text that came from a server, cut to a length that is safe to put in an error message, a log
 * line or a workflow's history: a hostile or broken server cannot bloat any of them.
 */

/** Longest server-provided text (an error message, an operation's `detail`) kept whole. */
export const MAX_SERVER_TEXT_CHARS = 500;

/**
 * `text` when it fits in `max` characters; else its first `max` characters, an ellipsis and the
 * original length, e.g. `aaaa… (1048576 chars)`. Never cuts a surrogate pair in half.
 */
export function boundText(text: string, max: number = MAX_SERVER_TEXT_CHARS): string {
  if (text.length <= max) return text;
  const end = isHighSurrogate(text.charCodeAt(max - 1)) ? max - 1 : max;
  return `${text.slice(0, end)}… (${text.length} chars)`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
