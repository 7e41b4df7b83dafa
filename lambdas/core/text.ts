// Text that came from outside the doctor (agents, hosts, MGN's free-text fields) is made plain before it is
// shown: no control characters, no line or paragraph separators, no bidirectional overrides, bounded length.
// A rogue agent reporting a hostname with a newline could otherwise forge lines in the digest.

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point of this filter
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g;

/** No control characters or line breaks, at most `max` characters (with an ellipsis when cut). */
export function clip(text: string, max: number): string {
  const flat = text.replace(UNSAFE_CHARACTERS, ' ').replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

/** Names a host reports about itself (hostname, FQDN, OS string): plain, at most 255 characters, or undefined. */
export function plainHostText(value: string | undefined, max = 255): string | undefined {
  if (value === undefined) return undefined;
  const plain = clip(value, max);
  return plain === '' ? undefined : plain;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** A dotted-quad IPv4 address and nothing else (a value for a document parameter with an IP pattern). */
export const isIpv4Address = (value: string): boolean => IPV4.test(value);

/** MGN error codes are free text in the API model: only an UPPER_SNAKE word may travel in a command comment. */
export const commentSafeCode = (code: string): string => (/^[A-Z0-9_]{1,64}$/.test(code) ? code : 'UNRECOGNIZED_CODE');
