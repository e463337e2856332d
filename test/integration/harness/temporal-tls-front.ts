/**
 * A TLS front in front of the lab's dev server, as a team's Temporal would be reached: HAProxy (the
 * lab's cluster image) in a container on the host's network, listening on loopback only.
 *   mtls    TCP mode, the server's certificate signed by the test's CA, client certificates
 *           verified against it (`verify required`)
 *   apiKey  HTTP/2 mode (`proto h2` to the dev server): a request without `authorization: Bearer
 *           <key>` is answered with gRPC status 16 (UNAUTHENTICATED), as Temporal Cloud does
 * The certificates are made by the test with openssl: a CA, the server's (for `temporal.test`,
 * localhost and 127.0.0.1), a client's, and another CA that signed nothing the front shows.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { docker } from '../../../src/platform/docker';
import { labSettings, PROJECT_ROOT } from '../../../src/platform/settings';
import { freePort } from './free-port';

export const API_KEY = 'faultline-test-api-key';
export const SERVER_NAME = 'temporal.test';
const CONTAINER = 'faultline-test-temporal-front';

export interface TlsFront {
  dir: string;
  mtlsAddress: string;
  apiKeyAddress: string;
  files: { ca: string; otherCa: string; clientCert: string; clientKey: string };
  /** HAProxy's log (one line per connection it took). */
  log(): Promise<string>;
  stop(): Promise<void>;
}

function openssl(dir: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    throw new Error(`openssl ${args[0]} failed (openssl is needed to make the test's certificates): ${String(err)}`);
  }
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function makeCertificates(dir: string): void {
  openssl(dir, [
    'req',
    '-x509',
    ...EC,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=faultline test CA',
  ]);
  openssl(dir, [
    'req',
    '-x509',
    ...EC,
    '-keyout',
    'other-ca.key',
    '-out',
    'other-ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=another CA',
  ]);
  writeFileSync(
    path.join(dir, 'server.ext'),
    `subjectAltName=DNS:${SERVER_NAME},DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n`,
  );
  writeFileSync(path.join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, cn] of [
    ['server', SERVER_NAME],
    ['client', 'faultline-worker'],
  ]) {
    openssl(dir, ['req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
    ]);
  }
  execFileSync('sh', ['-c', 'cat server.pem server.key > server-bundle.pem'], { cwd: dir });
}

function haproxyConfig(mtlsPort: number, apiKeyPort: number, temporal: string): string {
  return `global
  log stdout format raw local0
defaults
  log global
  timeout connect 5s
  timeout client 1h
  timeout server 1h
frontend mtls
  mode tcp
  option tcplog
  option logasap
  bind 127.0.0.1:${mtlsPort} ssl crt /certs/server-bundle.pem ca-file /certs/ca.pem verify required alpn h2
  default_backend temporal_tcp
backend temporal_tcp
  mode tcp
  server dev ${temporal}
frontend apikey
  mode http
  option httplog
  bind 127.0.0.1:${apiKeyPort} ssl crt /certs/server-bundle.pem alpn h2
  http-request return status 200 hdr content-type application/grpc hdr grpc-status 16 hdr grpc-message "invalid API key" unless { req.hdr(authorization) -m str "Bearer ${API_KEY}" }
  default_backend temporal_h2
backend temporal_h2
  mode http
  server dev ${temporal} proto h2
`;
}

export async function startTlsFront(): Promise<TlsFront> {
  const dir = path.join(PROJECT_ROOT, 'test-artifacts', 'temporal-front', Date.now().toString(36));
  mkdirSync(dir, { recursive: true });
  makeCertificates(dir);
  const [mtlsPort, apiKeyPort] = [await freePort(), await freePort()];
  writeFileSync(path.join(dir, 'haproxy.cfg'), haproxyConfig(mtlsPort, apiKeyPort, labSettings().temporalAddress));
  for (const f of ['server-bundle.pem', 'ca.pem', 'haproxy.cfg']) chmodSync(path.join(dir, f), 0o644);
  await docker
    .getContainer(CONTAINER)
    .remove({ force: true })
    .catch(() => undefined);
  const container = await docker.createContainer({
    name: CONTAINER,
    Image: process.env.FAULTLINE_CLUSTER_IMAGE || 'faultline/cluster:15',
    Entrypoint: ['haproxy'],
    Cmd: ['-W', '-f', '/certs/haproxy.cfg'],
    HostConfig: { NetworkMode: 'host', Binds: [`${dir}:/certs:ro`] },
  });
  await container.start();
  const ready = Date.now() + 10_000;
  while (!(await container.logs({ stdout: true, stderr: true })).toString().includes('Loading success')) {
    if (Date.now() > ready)
      throw new Error(
        `the TLS front did not start: ${(await container.logs({ stdout: true, stderr: true })).toString()}`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    dir,
    mtlsAddress: `127.0.0.1:${mtlsPort}`,
    apiKeyAddress: `127.0.0.1:${apiKeyPort}`,
    files: {
      ca: path.join(dir, 'ca.pem'),
      otherCa: path.join(dir, 'other-ca.pem'),
      clientCert: path.join(dir, 'client.pem'),
      clientKey: path.join(dir, 'client.key'),
    },
    log: async () => (await container.logs({ stdout: true, stderr: true })).toString(),
    stop: async () => {
      await container.remove({ force: true }).catch(() => undefined);
    },
  };
}
