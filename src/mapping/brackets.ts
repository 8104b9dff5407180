/**
 * The bracket syntax shared by file patterns and templates: `[name]`, `[...name]` and
 * `[[...name]]`, read in one place so both accept and refuse exactly the same names.
 */

export type CaptureKind = 'one' | 'rest' | 'optional';

export interface BracketCapture {
  name: string;
  kind: CaptureKind;
  /** The bracket text as written, e.g. `[[...page]]`. */
  text: string;
  start: number;
  end: number;
}

const CAPTURE = /\[\[\.\.\.([^\]]*)\]\]|\[\.\.\.([^\]]*)\]|\[([^\]]*)\]/g;
const CAPTURE_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Every bracket in `source`, in order, with the text inside it as written (templates read it further). */
export function readBrackets(source: string): Array<{ inner: string; kind: CaptureKind; text: string; start: number; end: number }> {
  return [...source.matchAll(CAPTURE)].map((m) => ({
    inner: m[1] ?? m[2] ?? m[3] ?? '',
    kind: m[1] !== undefined ? 'optional' : m[2] !== undefined ? 'rest' : 'one',
    text: m[0],
    start: m.index,
    end: m.index + m[0].length,
  }));
}

/** Every bracket in `source`, in order; `onBadName` is called (and must throw) for a bracket that is not a capture. */
export function readCaptures(source: string, onBadName: (text: string) => never): BracketCapture[] {
  return [...source.matchAll(CAPTURE)].map((m) => {
    const name = (m[1] ?? m[2] ?? m[3] ?? '').trim();
    if (!CAPTURE_NAME.test(name)) onBadName(m[0]);
    const kind: CaptureKind = m[1] !== undefined ? 'optional' : m[2] !== undefined ? 'rest' : 'one';
    return { name, kind, text: m[0], start: m.index, end: m.index + m[0].length };
  });
}
