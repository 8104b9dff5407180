/**
 * Text from outside (file names, payloads, inputs, server replies, git's messages) on its way to
 * a reader. The runner reads every stdout line as a possible workflow command: a line that starts
 * with `::` (after leading white space), and `##[name]` anywhere in a line (the older syntax,
 * still parsed). So no outside text may start a line, end one, or hold `##[`; and terminal escape
 * sequences must not reach the log raw. Pure functions; the edges (main.ts, report-actions.ts,
 * report.ts) apply them.
 */

/**
 * Characters that are never shown as they are: C0 controls (CR, LF, TAB, ESC, NUL, …), DEL, C1
 * controls (NEL, CSI, …), the Unicode line and paragraph separators, and the bidirectional
 * controls that make a line read differently from what it holds.
 */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** What no site path or cache tag holds: control characters and line separators (not the bidi marks). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * One line of text, safe to print: every unprintable character shown as an escape (`\n`, `\r`,
 * `\x1b`, `\u2028`), and `##[` broken up as `##\[`. Everything else is left as it is.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, escapeChar).replace(/##\[/g, '##\\[');
}

/** The first control character in `value`, shown as its escape, or undefined when there is none. */
export function controlCharacter(value: string): string | undefined {
  const found = CONTROL.exec(value);
  return found ? escapeChar(found[0]) : undefined;
}

/**
 * A whole line for the log: printable, and never starting with `::` (the runner trims leading
 * white space before it looks), which a value at the start of a line could otherwise do.
 */
export function logLine(line: string): string {
  return printable(line).replace(/^(\s*)::/, '$1\\::');
}

/**
 * An annotation's message. The toolkit sends it as one command (CR and LF percent-encoded), so
 * the action's own multi-line messages keep their lines; each line is made printable.
 */
export function annotation(message: string): string {
  return message.split('\n').map(printable).join('\n');
}

/** `user:password@` (or `user@`) taken out of every URL in the text. */
export function withoutCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/?#\s]*@/gi, '$1');
}

// Markdown for the job summary. Outside text is rendered as text, never as markup: HTML
// characters become entities, Markdown's punctuation is escaped with a backslash (so no table
// cell ends early, no code span, emphasis, link or image starts), and bare URLs are broken up so
// GitHub does not turn them into links.
function markdownEscape(text: string): string {
  return printable(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_~[\]|]/g, '\\$&')
    .replace(/:\/\//g, '\\://')
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}\\.`);
}

/** Outside text as inline code: `<code>`, which holds anything once escaped. */
export function markdownCode(text: string): string {
  return `<code>${markdownEscape(text)}</code>`;
}

/**
 * A message of the action's own for the summary, which may quote outside text: the message's
 * `code` spans are kept as code, everything else is escaped; line breaks become `<br>`.
 */
export function markdownText(text: string): string {
  return text
    .split('\n')
    .map((line) =>
      line
        .split(/`([^`]+)`/)
        .map((part, i) => (i % 2 === 1 ? markdownCode(part) : markdownEscape(part)))
        .join(''),
    )
    .join('<br>');
}

/** At most `limit` characters, with `…` where the rest was cut. */
export function clip(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}
