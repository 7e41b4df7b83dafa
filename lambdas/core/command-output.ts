// Reads the output of the stack's SSM documents (lib/ssm-documents/*.yaml). Each document prints
// `MGN_DOCTOR check=<agent|disk|connectivity> key=value ...` lines first, because the output Run Command
// reports per step (ListCommandInvocations) holds only its first 2,500 bytes: later lines may be cut mid-line.

/** One `MGN_DOCTOR` line as key → value; always has `check` and at least one other key. */
export type DoctorLine = Readonly<Record<string, string>>;

export type ConnectivityResult =
  | 'reachable'
  | 'refused'
  | 'timed_out'
  | 'dns_failed'
  | 'tls_failed'
  | 'error'
  | HostLimitResult
  | (string & {});

/**
 * What the host could not check, though TCP to the endpoint worked: `tls_unverified` (OpenSSL 1.0.x with no
 * trust store to verify the certificate against) and `tls_unsupported` (Windows whose .NET or SChannel cannot do
 * TLS 1.2). Limits of the host, not failures of the endpoint; the documents count them as `unverified=N`.
 */
export type HostLimitResult = 'tls_unverified' | 'tls_unsupported';

const HOST_LIMIT_RESULTS: ReadonlySet<string> = new Set<HostLimitResult>(['tls_unverified', 'tls_unsupported']);

/** Whether a target's result is a limit of the host rather than an answer about the endpoint. */
export function isHostLimit(result: ConnectivityResult): result is HostLimitResult {
  return HOST_LIMIT_RESULTS.has(result);
}

const PREFIX = 'MGN_DOCTOR';
const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
// The SSM agent caps each step's output at 2,500 bytes and marks its own cuts with these lines.
const OUTPUT_CAP_BYTES = 2_500;
const TRUNCATION_MARKERS: ReadonlySet<string> = new Set(['---Output truncated---', '---Error truncated----']);
const STDERR_SEPARATOR = '----------ERROR-------';
// What the agent prints for the step of the other platform.
const SKIPPED_STEP = /^Step execution skipped due to /;
// Near the cap, an output that stops without a line break was probably cut, even without a marker.
const CUT_MARGIN_BYTES = 100;

/** Every well-formed `MGN_DOCTOR` line, in order. Junk, CRLF and a cut last line are tolerated. */
export function parseDoctorLines(output: string): DoctorLine[] {
  const lines = splitLines(output);
  const lastMayBeCut = !/[\r\n]$/.test(output) && measureUtf8Bytes(output) >= OUTPUT_CAP_BYTES - CUT_MARGIN_BYTES;
  const parsed: DoctorLine[] = [];
  lines.forEach((line, index) => {
    const next = lines[index + 1];
    const mayBeCut =
      (next !== undefined && TRUNCATION_MARKERS.has(next.trim())) || (index === lines.length - 1 && lastMayBeCut);
    const doctorLine = parseDoctorLine(line, mayBeCut);
    if (doctorLine) parsed.push(doctorLine);
  });
  return parsed;
}

/** The per-target lines of CheckConnectivity (not its summary line). */
export function parseConnectivityTargets(output: string): { target: string; result: ConnectivityResult }[] {
  return parseDoctorLines(output).flatMap((line) => {
    const target = line.target;
    const result = line.result;
    return line.check === 'connectivity' && target !== undefined && result !== undefined ? [{ target, result }] : [];
  });
}

/**
 * One line for a digest: the `MGN_DOCTOR` lines without their prefix, joined by '; ', or, for output
 * without them, its first meaningful lines. At most `maxLength` characters, ending in '…' when cut.
 */
export function summarizeCommandOutput(output: string, maxLength = 500): string {
  const doctorLines = parseDoctorLines(output);
  const parts =
    doctorLines.length > 0
      ? doctorLines.map((line) =>
          Object.entries(line)
            .map(([key, value]) => `${key}=${value}`)
            .join(' '),
        )
      : splitLines(output)
          .map((line) => line.replace(/\s+/g, ' ').trim())
          .filter((line) => line !== '' && !isAgentNoise(line));
  return truncateText(parts.join('; '), maxLength);
}

function parseDoctorLine(rawLine: string, mayBeCut: boolean): DoctorLine | undefined {
  const tokens = rawLine.trim().split(/\s+/);
  if (tokens[0] !== PREFIX) return undefined;
  // A cut line's last token may hold only part of its value ("result=reach"): drop it.
  const complete = mayBeCut ? tokens.slice(1, -1) : tokens.slice(1);
  const pairs: [string, string][] = [];
  const seen = new Set<string>();
  for (const token of complete) {
    const equals = token.indexOf('=');
    if (equals <= 0) continue;
    const key = token.slice(0, equals);
    const value = token.slice(equals + 1);
    if (!KEY.test(key) || value === '' || seen.has(key)) continue;
    seen.add(key);
    pairs.push([key, value]);
  }
  // A line that says nothing beyond its check (e.g. cut right after it) carries no information.
  if (!seen.has('check') || pairs.length < 2) return undefined;
  // fromEntries defines own properties, so a key such as __proto__ stays plain data.
  return Object.freeze(Object.fromEntries(pairs));
}

function splitLines(output: string): string[] {
  return output.split(/\r\n|\r|\n/);
}

function isAgentNoise(line: string): boolean {
  return SKIPPED_STEP.test(line) || line === STDERR_SEPARATOR || TRUNCATION_MARKERS.has(line);
}

// The caps are in bytes (the agent is Go and counts len(string)); without TextEncoder, which is not in lib ES2022.
function measureUtf8Bytes(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const codePoint = char.codePointAt(0) ?? 0;
    bytes += codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
  }
  return bytes;
}

// Counts code points, so an emoji or other astral character is never split in half.
function truncateText(text: string, maxLength: number): string {
  const chars = Array.from(text);
  if (chars.length <= maxLength) return text;
  if (maxLength <= 0) return '';
  return `${chars
    .slice(0, maxLength - 1)
    .join('')
    .trimEnd()}…`;
}
