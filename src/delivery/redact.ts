/**
 * Secret redaction. A misbehaving endpoint may echo the secret back (in its body, in a header,
 * JSON-, URL- or HTML-escaped); every text that came from the network or mentions the request is
 * passed through the redactor before anyone can print it.
 */

/** Leading/trailing HTTP whitespace, which fetch strips from header values before sending. */
const HTTP_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;

/** The secret exactly as it travels in the header. */
export function headerValue(secret: string): string {
  return secret.replace(HTTP_WHITESPACE, '');
}

/** Why a secret cannot be sent as a header value ("is blank", …), or undefined when it can. Never quotes the secret. */
export function secretProblem(secret: string, header: string): string | undefined {
  const value = headerValue(secret);
  if (value === '') return 'is blank (only whitespace)';
  // A header value is a ByteString without CR, LF or NUL (RFC 9110 field-value).
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) {
    return `contains a line break or a control character, which cannot travel in the \`${header}\` header; re-save the repository secret as one line`;
  }
  // eslint-disable-next-line no-control-regex
  if (/[^\u0000-\u00ff]/.test(value)) {
    return `contains characters outside Latin-1, which cannot travel in the \`${header}\` header`;
  }
  return undefined;
}

/** Every spelling of one secret that a server could plausibly send back. */
function spellings(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  return [
    secret,
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    json,
    json.replace(/\//g, '\\/'), // PHP's json_encode escapes slashes
    json.replace(/[^\u0020-\u007e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`), // Python's ensure_ascii
    secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'),
  ];
}

/** Replaces the secret (as given and as sent, in each escaped form) wherever it appears. */
export function redactor(secret: string): (text: string) => string {
  if (!secret) return (t) => t;
  const forms = [...new Set([...spellings(secret), ...spellings(headerValue(secret))])]
    .filter((f) => f.length > 0)
    // Longest first, so a short form never leaves the tail of a longer one behind.
    .sort((a, b) => b.length - a.length);
  return (text) => forms.reduce((t, f) => (t.includes(f) ? t.split(f).join('***') : t), text);
}

/** One redactor for several secrets (every endpoint's), longest first so none leaves part of another. */
export function redactorOf(secrets: ReadonlyArray<string | undefined>): (text: string) => string {
  const each = [...new Set(secrets.filter((s): s is string => !!s))].sort((a, b) => b.length - a.length).map(redactor);
  return (text) => each.reduce((t, r) => r(t), text);
}
