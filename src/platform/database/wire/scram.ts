/**
 * The client side of the password logins a workload connection answers (wire-login.ts), on
 * node:crypto alone: SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding (gs2 header "n,,"),
 * and PostgreSQL's MD5 password hash. The server's signature is checked: a server that does not
 * know the password cannot complete a SCRAM login.
 * Protocol: https://www.postgresql.org/docs/current/sasl-authentication.html
 */
import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

export const SCRAM_MECHANISM = 'SCRAM-SHA-256';
/** pg's default bound on the server's iteration count (a server asking for more is refused). */
const MAX_ITERATIONS = 100_000;
const GS2_HEADER = 'n,,';

const derive = promisify(pbkdf2);
const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();

/** PostgreSQL's MD5 answer: "md5" + md5(md5(password + user) + salt), in hex. */
export function md5PasswordHash(user: string, password: string, salt: Buffer): string {
  const inner = createHash('md5')
    .update(password + user, 'utf8')
    .digest('hex');
  return (
    'md5' +
    createHash('md5')
      .update(Buffer.concat([Buffer.from(inner), salt]))
      .digest('hex')
  );
}

/**
 * SASLprep (RFC 4013) as pg and libpq apply it: non-ASCII spaces to a space, the characters mapped
 * to nothing removed, NFKC. The prohibition checks are skipped, as libpq skips them.
 */
function saslPrep(password: string): string {
  return password
    .replace(/[\u00A0\u1680\u2000-\u200B\u202F\u205F\u3000]/g, ' ')
    .replace(/\u00AD|\u034F|\u1806|[\u180B-\u180D]|\u200C|\u200D|\u2060|[\uFE00-\uFE0F]|\uFEFF/g, '')
    .normalize('NFKC');
}

export interface ScramClientFirst {
  /** The SASLInitialResponse's data: the gs2 header and the bare message. */
  response: string;
  bare: string;
  nonce: string;
}

/**
 * The client-first message. PostgreSQL ignores SCRAM's user name (the startup message's counts)
 * and pg sends "*"; the nonce is 18 random bytes in base64, as pg's.
 */
export function scramClientFirst(nonce = randomBytes(18).toString('base64'), user = '*'): ScramClientFirst {
  const bare = `n=${user},r=${nonce}`;
  return { response: GS2_HEADER + bare, bare, nonce };
}

function attributes(message: string, what: string): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const part of message.split(',')) {
    if (!/^[a-zA-Z]=/.test(part)) throw new Error(`SASL: ${what}: invalid attribute "${part.slice(0, 20)}"`);
    pairs.set(part[0]!, part.slice(2));
  }
  return pairs;
}

export interface ScramClientFinal {
  /** The SASLResponse's data: channel binding, nonce, proof. */
  response: string;
  /** The signature the server must answer with (base64). */
  serverSignature: string;
}

/** The client-final message for the server-first one, and the server signature to expect. */
export async function scramClientFinal(
  first: ScramClientFirst,
  password: string,
  serverFirst: string,
): Promise<ScramClientFinal> {
  const what = 'SCRAM-SERVER-FIRST-MESSAGE';
  if (password === '') throw new Error(`SASL: ${what}: client password must be a non-empty string`);
  const server = attributes(serverFirst, what);
  const nonce = server.get('r');
  const salt = server.get('s');
  const iterations = Number(server.get('i'));
  if (!nonce || !nonce.startsWith(first.nonce) || nonce.length === first.nonce.length)
    throw new Error(`SASL: ${what}: server nonce does not extend the client nonce`);
  if (!salt || !/^[A-Za-z0-9+/]+=*$/.test(salt)) throw new Error(`SASL: ${what}: salt missing or not base64`);
  if (!Number.isInteger(iterations) || iterations < 1)
    throw new Error(`SASL: ${what}: iteration count missing or not a positive integer`);
  if (iterations > MAX_ITERATIONS)
    throw new Error(`SASL: ${what}: iteration count ${iterations} exceeds the maximum of ${MAX_ITERATIONS}`);
  const withoutProof = `c=${Buffer.from(GS2_HEADER).toString('base64')},r=${nonce}`;
  const authMessage = `${first.bare},${serverFirst},${withoutProof}`;
  // pbkdf2 off the event loop: a run's workers reconnect together after an outage, mid-measurement.
  const salted = await derive(saslPrep(password), Buffer.from(salt, 'base64'), iterations, 32, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  const signature = hmac(sha256(clientKey), authMessage);
  const proof = Buffer.alloc(clientKey.length);
  for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i]! ^ signature[i]!;
  return {
    response: `${withoutProof},p=${proof.toString('base64')}`,
    serverSignature: hmac(hmac(salted, 'Server Key'), authMessage).toString('base64'),
  };
}

/** Checks the server-final message: the server's error, or its signature against the expected one. */
export function verifyScramServerFinal(final: ScramClientFinal, serverFinal: string): void {
  const what = 'SCRAM-SERVER-FINAL-MESSAGE';
  const server = attributes(serverFinal, what);
  const error = server.get('e');
  if (error !== undefined) throw new Error(`SASL: ${what}: the server refused the login (${error})`);
  const got = Buffer.from(server.get('v') ?? '', 'base64');
  const expected = Buffer.from(final.serverSignature, 'base64');
  if (got.length !== expected.length || !timingSafeEqual(got, expected))
    throw new Error(`SASL: ${what}: server signature does not match`);
}
