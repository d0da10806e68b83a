import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findOnPath, run } from '../process/process-control';

/** A key and certificate for a local TLS server, in PEM. */
export interface ServerCredentials {
  readonly key: string;
  readonly cert: string;
}

/** A certificate authority of one platform: the emulated functions trust it through NODE_EXTRA_CA_CERTS. */
export interface LocalCertificateAuthority {
  /** The CA certificate's PEM file. */
  readonly caFile: string;
  readonly caPem: string;
  /** A server certificate for `names` (DNS names), signed by the CA. */
  issue(names: readonly string[]): Promise<ServerCredentials>;
}

const OPENSSL_MISSING =
  'openssl not found: apt-get install -y openssl (the emulated network signs its own certificates)';
const CURVE = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/**
 * Creates a CA in `dir` with the openssl CLI: every local HTTPS, Redis and PostgreSQL endpoint
 * serves a certificate for the AWS name it stands in for, so the functions verify TLS exactly
 * as they do in AWS, against this CA instead of Amazon's.
 */
export async function createCertificateAuthority(dir: string): Promise<LocalCertificateAuthority> {
  const openssl = findOnPath('openssl', OPENSSL_MISSING);
  const caKey = join(dir, 'ca.key');
  const caFile = join(dir, 'ca.pem');
  await run(openssl, [
    'req',
    '-x509',
    ...CURVE,
    '-keyout',
    caKey,
    '-out',
    caFile,
    '-days',
    '30',
    '-subj',
    '/CN=MisyBot emulated network CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  let serial = 0;
  return {
    caFile,
    caPem: readFileSync(caFile, 'utf8'),
    async issue(names) {
      serial++;
      const base = join(dir, `server-${serial}`);
      writeFileSync(
        `${base}.ext`,
        `subjectAltName=${names.map((name) => `DNS:${name}`).join(',')}\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n`,
      );
      await run(openssl, [
        'req',
        ...CURVE,
        '-keyout',
        `${base}.key`,
        '-out',
        `${base}.csr`,
        '-subj',
        `/CN=${names[0]}`,
      ]);
      await run(openssl, [
        'x509',
        '-req',
        '-in',
        `${base}.csr`,
        '-CA',
        caFile,
        '-CAkey',
        caKey,
        '-set_serial',
        String(1000 + serial),
        '-days',
        '30',
        '-out',
        `${base}.pem`,
        '-extfile',
        `${base}.ext`,
      ]);
      return { key: readFileSync(`${base}.key`, 'utf8'), cert: readFileSync(`${base}.pem`, 'utf8') };
    },
  };
}
