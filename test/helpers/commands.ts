/**
 * The runner's command channel, read as the runner reads it (actions/runner ActionCommand.cs):
 * stdout and stderr split at CR, LF or CRLF; a line whose text after leading white space starts
 * with `::` is a command, and so is any line holding `##[name]` anywhere (the older syntax,
 * still parsed when the first does not match).
 */

/** The commands the action writes itself, each with its own content. */
const OWN = /^::(add-mask|group|endgroup|debug|warning|error)( title=isr-revalidate%3A not revalidated)?::/;
const GROUPS = new Set(['Changes', 'Mapping', 'Delivery']);

/**
 * Every line of the log that the runner would take as a command the action did not write: an
 * unknown command, a mask other than the secrets, a group the action does not open, or any
 * `##[` line. Empty when the log is clean.
 */
export function foreignCommands(log: string, secrets: string[] = []): string[] {
  const foreign: string[] = [];
  for (const line of log.split(/\r\n|\r|\n/)) {
    const text = line.trimStart();
    if (line.includes('##[')) {
      foreign.push(line);
      continue;
    }
    if (!text.startsWith('::')) continue;
    const own = OWN.exec(text);
    const data = own ? text.slice(own[0].length) : '';
    if (!own) foreign.push(line);
    else if (own[1] === 'add-mask' && !secrets.includes(data)) foreign.push(line);
    else if (own[1] === 'group' && !GROUPS.has(data)) foreign.push(line);
    else if (own[1] === 'endgroup' && data !== '') foreign.push(line);
  }
  return foreign;
}

/** Characters that must never reach the log raw: ESC and every other C0/C1 control but LF, and U+2028/9. */
// eslint-disable-next-line no-control-regex
export const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;
