import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './freePort';

export interface TestCoturn {
  /** TURN over UDP, over TCP, and over TLS (a self-signed certificate), on `host`. */
  urls: { udp: string; tcp: string; tls: string };
  /** The shared secret (`static-auth-secret`) the relay signs credentials with. */
  secret: string;
  /**
   * The SHA-256 of the TLS certificate's public key, base64: Chromium trusts this certificate alone when launched with
   * `--ignore-certificate-errors-spki-list=<it>` (libwebrtc checks a TURN server's certificate like a web page's).
   */
  certSpki: string;
  host: string;
  /** What coturn logged, for a test that checks why it refused someone. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * A throwaway coturn (Debian package `coturn`) for tests: TURN REST credentials (`use-auth-secret`), UDP and TCP on one
 * random port, TLS on another with a certificate made for the run, relay ports from a random range, everything in a
 * temporary folder. Peers on loopback are allowed (the simulator's caller is there); `relayIp` is the address it
 * relays from (Janus gathers no loopback candidates, so an anchored test relays from the machine's own address).
 */
export async function startTestCoturn(options: { host?: string; relayIp?: string } = {}): Promise<TestCoturn> {
  const host = options.host ?? '127.0.0.1';
  const dir = mkdtempSync(join(tmpdir(), 'coturn-'));
  const secret = `turn-secret-${Math.random().toString(36).slice(2)}-0123456789`;
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  const port = await freePort();
  const tlsPort = await freePort();
  const minPort = 20_000 + Math.floor(Math.random() * 40_000);
  writeFileSync(
    join(dir, 'turnserver.conf'),
    [
      `listening-ip=${host}`,
      `relay-ip=${options.relayIp ?? host}`,
      `listening-port=${port}`,
      `tls-listening-port=${tlsPort}`,
      // The RFC 5780 alternative ports (port + 1) could collide with another test's server: not needed here.
      'no-rfc5780',
      `min-port=${minPort}`,
      `max-port=${minPort + 200}`,
      'use-auth-secret',
      `static-auth-secret=${secret}`,
      'realm=softphone.test',
      'fingerprint',
      `cert=${join(dir, 'cert.pem')}`,
      `pkey=${join(dir, 'key.pem')}`,
      'no-dtls',
      'no-cli',
      'allow-loopback-peers',
      'no-multicast-peers',
      `userdb=${join(dir, 'turndb')}`,
      `pidfile=${join(dir, 'turnserver.pid')}`,
      'log-file=stdout',
      'simple-log',
      'verbose',
      '',
    ].join('\n'),
  );
  const publicKey = new X509Certificate(readFileSync(join(dir, 'cert.pem'))).publicKey;
  const certSpki = createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64');
  let output = '';
  const child: ChildProcess = spawn('turnserver', ['-c', join(dir, 'turnserver.conf')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-200_000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-200_000)));
  let spawnError: Error | undefined;
  child.on('error', (error) => (spawnError = error));
  const started = Date.now();
  while (!(await listening(host, port)) || !(await listening(host, tlsPort))) {
    if (spawnError)
      throw new Error('turnserver could not start: install it with apt-get install coturn', { cause: spawnError });
    if (child.exitCode !== null) throw new Error(`turnserver exited at start:\n${output.slice(-2000)}`);
    if (Date.now() - started > 10_000)
      throw new Error(`turnserver did not listen within 10 s:\n${output.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    host,
    secret,
    certSpki,
    urls: {
      udp: `turn:${host}:${port}?transport=udp`,
      tcp: `turn:${host}:${port}?transport=tcp`,
      tls: `turns:${host}:${tlsPort}?transport=tcp`,
    },
    log: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
