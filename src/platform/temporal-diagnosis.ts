/**
 * Why a connection to Temporal failed, in words that name the setting to change. The SDK's client
 * says only "Failed to connect before the deadline" for every TLS failure, so on a failure this
 * opens the same TCP connection and TLS handshake itself (node:net, node:tls) and reads the cause:
 * nothing listening, a certificate the given CA did not sign, a server name it does not carry, a
 * client certificate the server requires or refuses, TLS where none is configured; an API key
 * refused (gRPC status 16) is read from the SDK's own error.
 */
import { connect as netConnect, isIP } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { TemporalTarget } from './temporal-target';

const PROBE_MS = 3000;
/** TLS 1.3: the server's alert for a missing client certificate comes after the client's Finished. */
const ALERT_WAIT_MS = 500;

const CA = "TEMPORAL_TLS_SERVER_CA_CERT_PATH (or the profile's tls.server_ca_cert_path)";
const CLIENT_PAIR =
  "TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH (or the profile's tls.client_cert_path and tls.client_key_path)";

function hostPort(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(address.slice(at + 1)) };
}

/** What a TLS error (its code, else its message) means for this target. Pure. */
export function explainTlsError(err: { code?: string; message: string }, target: TemporalTarget): string {
  const code = err.code ?? '';
  const text = `${code} ${err.message}`;
  if (
    /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT|CERT_UNTRUSTED|UnknownIssuer/.test(text)
  )
    return `the server's certificate is not signed by the CA faultline was given: set ${CA} to the CA that signed it`;
  if (/ERR_TLS_CERT_ALTNAME_INVALID|NotValidForName/.test(text))
    return `the server's certificate does not name ${hostPort(target.address).host}: set TEMPORAL_TLS_SERVER_NAME to a name it carries`;
  if (/CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|Expired/.test(text))
    return "the server's certificate is expired or not yet valid";
  if (/CERTIFICATE_REQUIRED|alert number 116|CertificateRequired/i.test(text))
    return target.tls === 'mTLS'
      ? 'the server asked for a client certificate and got none it accepts'
      : `the server requires a client certificate (mTLS): set ${CLIENT_PAIR}`;
  if (/ALERT_UNKNOWN_CA|ALERT_BAD_CERTIFICATE|alert number 4[28]|ALERT_CERTIFICATE_UNKNOWN/.test(text))
    return `the server refused the client certificate (not signed by a CA it trusts): check ${CLIENT_PAIR}`;
  if (/WRONG_VERSION_NUMBER|packet length too long|ECONNRESET/.test(text) && target.tls !== 'none')
    return 'the server does not speak TLS there: unset TEMPORAL_TLS (and the TLS files), or check the address';
  return `the TLS handshake failed (${err.message})`;
}

function tlsOptions(target: TemporalTarget, verify: boolean): ConnectionOptions {
  const { host, port } = hostPort(target.address);
  const tls = typeof target.connection.tls === 'object' ? target.connection.tls : {};
  const servername = tls.serverNameOverride ?? (isIP(host) === 0 ? host : undefined);
  return {
    host,
    port,
    ALPNProtocols: ['h2'],
    rejectUnauthorized: verify,
    ...(servername ? { servername } : {}),
    ...(tls.serverRootCACertificate ? { ca: Buffer.from(tls.serverRootCACertificate) } : {}),
    ...(tls.clientCertPair
      ? { cert: Buffer.from(tls.clientCertPair.crt), key: Buffer.from(tls.clientCertPair.key) }
      : {}),
  };
}

/** The handshake's outcome: null when it held for ALERT_WAIT_MS after completing. */
function handshake(options: ConnectionOptions): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const socket = tlsConnect(options);
    const done = (result: NodeJS.ErrnoException | null) => (clearTimeout(timer), socket.destroy(), resolve(result));
    const timer = setTimeout(
      () => done(Object.assign(new Error('no answer to the TLS handshake'), { code: 'TIMEOUT' })),
      PROBE_MS,
    );
    socket.once('error', (err) => done(err));
    socket.once('secureConnect', () => setTimeout(() => done(null), ALERT_WAIT_MS));
  });
}

function tcpReachable(address: string): Promise<string | null> {
  const { host, port } = hostPort(address);
  return new Promise((resolve) => {
    const socket = netConnect({ host, port, timeout: PROBE_MS });
    const done = (why: string | null) => (socket.destroy(), resolve(why));
    socket.once('connect', () => done(null));
    socket.once('timeout', () => done(`no answer from ${address} within ${PROBE_MS} ms`));
    socket.once('error', (err: NodeJS.ErrnoException) =>
      done(err.code === 'ECONNREFUSED' ? `nothing listens at ${address}` : `${address}: ${err.message}`),
    );
  });
}

/** Why connecting to `target` failed with `err`, with the setting to change; null when not known. */
export async function diagnoseTemporalConnection(target: TemporalTarget, err: unknown): Promise<string | null> {
  const message =
    err instanceof Error ? `${err.message} ${String((err as { cause?: unknown }).cause ?? '')}` : String(err);
  if (/\b16 UNAUTHENTICATED|valid authentication credentials/i.test(message))
    return target.apiKey
      ? "the server refused the API key: check TEMPORAL_API_KEY (or the profile's api_key)"
      : "the server requires an API key: set TEMPORAL_API_KEY (or the profile's api_key)";
  if (/\b7 PERMISSION_DENIED/.test(message)) return `the credentials are not allowed on namespace ${target.namespace}`;
  const tcp = await tcpReachable(target.address);
  if (tcp) return tcp;
  if (target.tls === 'none') {
    const speaksTls = (await handshake(tlsOptions(target, false))) === null;
    return speaksTls
      ? `the server speaks TLS: set TEMPORAL_TLS=true, with ${CA} if its CA is not one this machine trusts`
      : null;
  }
  const failed = await handshake(tlsOptions(target, true));
  return failed ? explainTlsError(failed, target) : null;
}
