// Turns what the SDK throws into one line an operator can act on, and an exit code scripts can test.
// No stack traces: the usual causes are credentials, permissions, an uninitialised Region or the network.

export const EXIT_CODES = {
  ok: 0,
  other: 1,
  usage: 2,
  credentials: 3,
  accessDenied: 4,
  mgnNotInitialized: 5,
  /** --all-accounts: at least one account could not be read (each said why on stderr). */
  someAccounts: 6,
} as const;

export interface CliFailure {
  readonly exitCode: number;
  readonly message: string;
}

export interface FailureContext {
  readonly region: string;
  readonly profile?: string;
  readonly ledgerTable?: string;
  /** --wave or --application was given: the preview also read MGN waves and applications. */
  readonly migrationTerms?: boolean;
  /** --all-accounts: the preview also listed the organization's accounts. */
  readonly allAccounts?: boolean;
}

const CREDENTIAL_ERRORS: ReadonlySet<string> = new Set([
  'CredentialsProviderError',
  'TokenProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
]);
const ACCESS_ERRORS: ReadonlySet<string> = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation']);
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPROTO',
  'CERT_HAS_EXPIRED',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
]);

type ErrorLike = {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  hostname?: unknown;
  address?: unknown;
  port?: unknown;
  cause?: unknown;
  errors?: unknown;
};

const asErrorLike = (value: unknown): ErrorLike | undefined =>
  typeof value === 'object' && value !== null ? (value as ErrorLike) : undefined;
const oneLine = (text: string, max = 200): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
};

/** The Node network error behind an SDK error (it may sit in `cause`, or in an AggregateError's `errors`). */
function findNetworkError(error: unknown): { code: string; where?: string } | undefined {
  let current = asErrorLike(error);
  for (let depth = 0; current && depth < 5; depth++) {
    const candidates = [current, ...(Array.isArray(current.errors) ? current.errors.map(asErrorLike) : [])];
    for (const candidate of candidates) {
      if (candidate && typeof candidate.code === 'string' && NETWORK_CODES.has(candidate.code)) {
        const where =
          typeof candidate.hostname === 'string'
            ? candidate.hostname
            : typeof candidate.address === 'string'
              ? `${candidate.address}${typeof candidate.port === 'number' ? `:${candidate.port}` : ''}`
              : undefined;
        return { code: candidate.code, where };
      }
    }
    current = asErrorLike(current.cause);
  }
  if (asErrorLike(error)?.name === 'TimeoutError') return { code: 'timeout' };
  return undefined;
}

export function describeFailure(error: unknown, context: FailureContext): CliFailure {
  const details = asErrorLike(error);
  const name = typeof details?.name === 'string' ? details.name : 'Error';
  const message = oneLine(typeof details?.message === 'string' ? details.message : String(error));
  const { region } = context;

  if (CREDENTIAL_ERRORS.has(name)) {
    const { profile } = context;
    const fix = profile
      ? `Check the profile (aws configure list --profile ${profile}) or sign in again (aws sso login --profile ${profile}).`
      : 'Sign in (aws sso login, aws configure) or pass --profile NAME.';
    return {
      exitCode: EXIT_CODES.credentials,
      message: `error: no usable AWS credentials from ${profile ? `profile ${profile}` : 'the default credential chain'} (${name}: ${message}). ${fix}`,
    };
  }
  if (ACCESS_ERRORS.has(name)) {
    const terms = context.migrationTerms ? ', mgn:ListWaves, mgn:ListApplications' : '';
    const accounts = context.allAccounts
      ? ', mgn:ListManagedAccounts (from the management or MGN delegated administrator account, with Organizations trusted access for MGN)'
      : '';
    const ledger = context.ledgerTable
      ? `, dynamodb:Scan on table ${context.ledgerTable} and ssm:ListCommandInvocations`
      : '';
    return {
      exitCode: EXIT_CODES.accessDenied,
      message: `error: access denied in ${region} (${message}). The preview needs mgn:DescribeSourceServers${terms}${accounts} and ssm:DescribeInstanceInformation${ledger}.`,
    };
  }
  if (name === 'UninitializedAccountException') {
    return {
      exitCode: EXIT_CODES.mgnNotInitialized,
      message: `error: Application Migration Service is not initialized in ${region} for this account. Check --region, or open the MGN console in ${region} once to initialize it.`,
    };
  }
  if (name === 'ResourceNotFoundException' && context.ledgerTable) {
    return {
      exitCode: EXIT_CODES.other,
      message: `error: ledger table ${context.ledgerTable} not found in ${region} (${message}). Check --ledger-table and --region.`,
    };
  }
  const network = findNetworkError(error);
  if (network) {
    return {
      exitCode: EXIT_CODES.other,
      message:
        `error: cannot reach AWS in ${region} (${network.code}${network.where ? ` ${network.where}` : ''}). ` +
        'Check that --region names a Region where MGN is available, your network and proxy (HTTPS_PROXY), and any AWS_ENDPOINT_URL.',
    };
  }
  return { exitCode: EXIT_CODES.other, message: `error: ${name}: ${message}` };
}
