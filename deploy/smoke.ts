/**
 * The deployment of compose.yaml without Docker: Redis, PostgreSQL, Janus started by janus/render-config.sh, two relay
 * instances and Caddy running this folder's Caddyfile, from Debian's packages, on loopback with random ports in a
 * temporary folder. Simulated WhatsApp customers call through Caddy's /webhook, a desk signed in through Caddy answers
 * (once with media direct, once anchored on Janus, where both sides must hear each other), and both calls must reach
 * PostgreSQL. Everything is torn down at the end; a failure exits 1 with one sentence saying what did not work.
 *
 *   npx tsx deploy/smoke.ts
 *
 * SMOKE_JANUS=off leaves Janus and the anchored call out (a team whose queues anchor no media);
 * SMOKE_CADDYFILE runs another Caddyfile (the smoke's own test breaks one); SMOKE_LOG=1 shows every piece's output.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createConnection } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { loadSdpFixture } from '../fixtures/load';
import { startWhatsAppSim, type WhatsAppSim } from '../sim/whatsappSim';
import { connectRelay } from '../src/main/transport/relayClient';
import type { CallSignal } from '../src/shared/callSignals';
import { issueAgentToken } from '../src/relay/agentTokens';
import { freePort } from '../src/relay/freePort';
import { createTonePeer } from '../src/relay/media/testTonePeer';

const ROOT = resolve(__dirname, '..');
const CADDYFILE = process.env.SMOKE_CADDYFILE ?? join(__dirname, 'Caddyfile');
// Each instance on its own loopback address with the same ports, as compose.yaml's relay-1 and relay-2.
const RELAY_HOSTS = ['127.0.0.2', '127.0.0.3'];
const SHOW_LOGS = Boolean(process.env.SMOKE_LOG);
const WITH_JANUS = process.env.SMOKE_JANUS !== 'off';
/** A queue whose media is anchored on Janus, beside the example's (compose's Janus serves such queues). */
const ANCHORED = { id: 'anchored', name: 'Anchored', media: 'anchored', payloads: ['anchored'], agents: '*' };

/** A failure worth one sentence to the operator (anything else is a bug in the smoke itself). */
class SmokeFailure extends Error {}
const fail = (sentence: string): never => {
  throw new SmokeFailure(sentence);
};

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function within<T>(ms: number, what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) return fail(what);
    await pause(100);
  }
}

/** Processes started, stopped in reverse order at the end. */
const stops: Array<() => Promise<void> | void> = [];

/** A child process whose last output is kept, to say why it stopped. */
function start(name: string, command: string, args: string[], options: Parameters<typeof spawn>[2] = {}) {
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let said = '';
  const keep = (chunk: Buffer) => {
    if (SHOW_LOGS) process.stderr.write(`[${name}] ${chunk.toString()}`);
    said = (said + chunk.toString()).slice(-2000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('error', (error) => (said += `\n${error.message}`));
  stops.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const exited = new Promise((r) => child.once('exit', r));
    if ((await Promise.race([exited, pause(5000).then(() => 'late')])) === 'late') child.kill('SIGKILL');
  });
  return { child, said: () => said.trim(), exited: () => child.exitCode !== null || child.signalCode !== null };
}

function needs(binary: string, pkg: string): string {
  if (spawnSync(binary, ['--version']).error) fail(`${binary} is missing: install it with apt-get install ${pkg}.`);
  return binary;
}

/** Redis as compose.yaml runs it: a password, AOF on; its configuration file names it in `ps` (as the tests look). */
async function startRedis(dir: string) {
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const home = join(dir, 'redis');
  mkdirSync(home);
  const settings = [
    'bind 127.0.0.1',
    `port ${port}`,
    `requirepass ${password}`,
    'appendonly yes',
    'appendfsync everysec',
    `dir ${home}`,
    'proc-title-template "{title} {listen-addr} {config-file}"',
  ];
  writeFileSync(join(home, 'redis.conf'), `${settings.join('\n')}\n`, { mode: 0o600 });
  const redis = start('redis', needs('redis-server', 'redis-server'), [join(home, 'redis.conf')]);
  await within(5000, 'redis-server did not start within 5 s.', async () => {
    if (redis.exited()) fail(`redis-server stopped: ${redis.said()}`);
    const ping = spawnSync('redis-cli', ['-p', String(port), 'ping'], { env: { REDISCLI_AUTH: password } });
    return ping.stdout?.toString().trim() === 'PONG' ? true : undefined;
  });
  return `redis://:${password}@127.0.0.1:${port}`;
}

/** Debian's PostgreSQL binaries (package `postgresql`), newest version first. */
function pgBin(name: string): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(root, v, 'bin', name))) return join(root, v, 'bin', name);
  return fail(`PostgreSQL's ${name} is missing: install it with apt-get install postgresql.`);
}

/** PostgreSQL as compose.yaml runs it: user relay with a password, database calls. As root, as Debian's postgres. */
async function startPostgres(dir: string) {
  const home = join(dir, 'postgres');
  mkdirSync(home);
  let user: { uid: number; gid: number } | undefined;
  if (process.getuid?.() === 0) {
    const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres']).stdout.toString().trim());
    user = { uid: id('-u'), gid: id('-g') };
    if (!user.uid) fail('PostgreSQL does not run as root and there is no postgres user: apt-get install postgresql.');
    chownSync(home, user.uid, user.gid);
  }
  const password = randomBytes(12).toString('hex');
  writeFileSync(join(home, 'password'), password);
  if (user) chownSync(join(home, 'password'), user.uid, user.gid);
  const data = join(home, 'data');
  const initdb = spawnSync(
    pgBin('initdb'),
    ['-D', data, '-U', 'relay', '--pwfile', join(home, 'password'), '--auth=scram-sha-256', '-E', 'UTF8', '--no-sync'],
    { ...user },
  );
  if (initdb.status !== 0) fail(`initdb failed: ${initdb.stderr?.toString().trim() || initdb.error?.message}`);
  const port = await freePort();
  const options = `-p ${port} -k ${home} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const pgCtl = (args: string[]) => spawnSync(pgBin('pg_ctl'), ['-D', data, ...args], { ...user, timeout: 30_000 });
  const started = pgCtl(['-o', options, '-l', join(home, 'log'), '-w', '-t', '20', 'start']);
  if (started.status !== 0) fail(`PostgreSQL did not start: ${started.stdout?.toString().trim()}`);
  stops.push(() => void pgCtl(['-m', 'fast', '-w', 'stop']));
  const admin = new pg.Client(`postgres://relay:${password}@127.0.0.1:${port}/postgres`);
  await admin.connect();
  await admin.query('CREATE DATABASE calls');
  await admin.end();
  return `postgres://relay:${password}@127.0.0.1:${port}/calls`;
}

/** Janus as compose.yaml's janus runs it: deploy/janus/render-config.sh writes its configuration, then starts it. */
async function startJanus(dir: string) {
  const port = await freePort();
  const access = {
    RELAY_JANUS_API_SECRET: randomBytes(16).toString('hex'),
    RELAY_JANUS_ADMIN_KEY: randomBytes(16).toString('hex'),
  };
  const config = join(dir, 'janus');
  const janus = start(
    'janus',
    'sh',
    [join(__dirname, 'janus/render-config.sh'), join(__dirname, 'janus'), config, '--', needs('janus', 'janus')].concat(
      ['-C', join(config, 'janus.jcfg'), '-F', config, '-o'],
    ),
    { env: { PATH: process.env.PATH, ...access, JANUS_WS_IP: '127.0.0.1', JANUS_WS_PORT: String(port) } },
  );
  await within(15_000, 'Janus did not open its API within 15 s.', async () => {
    if (janus.exited()) fail(`Janus stopped: ${janus.said().split('\n').slice(-3).join(' ')}`);
    return (await reachable('127.0.0.1', port)) ? true : undefined;
  });
  return { RELAY_JANUS_URLS: `ws://127.0.0.1:${port}`, ...access };
}

const reachable = (host: string, port: number) =>
  new Promise<boolean>((done) => {
    const socket = createConnection({ host, port }, () => {
      socket.destroy();
      done(true);
    });
    socket.on('error', () => done(false));
  });

/** Where WhatsApp's edge meets Janus: a non-loopback address, as Janus gathers no loopback candidates. */
function edgeAddress(): string {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return fail(
    'This machine has no non-loopback IPv4 address for Janus to meet WhatsApp on (SMOKE_JANUS=off skips it).',
  );
}

interface RelaySettings {
  env: Record<string, string>;
  webhookPort: number;
  agentPort: number;
}

/** One relay instance as compose.yaml's relay-1 and relay-2 run it (`npm run relay`'s entry point). */
async function startRelay(dir: string, name: string, host: string, settings: RelaySettings) {
  const relay = start(name, process.execPath, ['--import', 'tsx', join(ROOT, 'src/relay/index.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: dir, ...settings.env, RELAY_HOST: host },
  });
  const ready = new Promise<boolean>((done) => {
    createInterface({ input: relay.child.stdout! }).on('line', (line) => {
      if (line.includes('"relay ready"')) done(true);
    });
    relay.child.once('exit', () => done(false));
  });
  const up = await Promise.race([ready, pause(30_000).then(() => false)]);
  if (!up) fail(`${name} did not start: ${relay.said().split('\n').slice(-5).join(' ')}`);
}

/** Caddy running the Caddyfile with loopback sites and the instances above, as compose.yaml's caddy does. */
async function startCaddy(dir: string, settings: RelaySettings) {
  const [webhookPort, deskPort] = [await freePort(), await freePort()];
  const upstreams = (port: number) => RELAY_HOSTS.map((host) => `${host}:${port}`).join(' ');
  const caddy = start('caddy', needs('caddy', 'caddy'), ['run', '--config', CADDYFILE, '--adapter', 'caddyfile'], {
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      XDG_DATA_HOME: join(dir, 'caddy-data'),
      XDG_CONFIG_HOME: join(dir, 'caddy-config'),
      CADDY_ADMIN: 'off',
      WEBHOOK_SITE: `http://127.0.0.1:${webhookPort}`,
      DESK_SITE: `http://127.0.0.1:${deskPort}`,
      RELAY_WEBHOOK_UPSTREAMS: upstreams(settings.webhookPort),
      RELAY_AGENT_UPSTREAMS: upstreams(settings.agentPort),
      RELAY_AGENT_PORT: String(settings.agentPort),
    },
  });
  // Up when Caddy answers the desks' /readyz from an instance several times in a row (its health checks have run).
  let inARow = 0;
  await within(15_000, 'Caddy did not pass desks to a ready relay instance within 15 s.', async () => {
    if (caddy.exited()) fail(`Caddy stopped: ${caddy.said().split('\n').slice(-3).join(' ')}`);
    const ok = await fetch(`http://127.0.0.1:${deskPort}/readyz`).then((r) => r.ok);
    inARow = ok ? inARow + 1 : 0;
    return inARow >= 4 ? true : undefined;
  });
  return { webhookUrl: `http://127.0.0.1:${webhookPort}/webhook`, deskUrl: `ws://127.0.0.1:${deskPort}/` };
}

type Offered = Extract<CallSignal, { type: 'call_offered' }>;
type AgentState = Extract<CallSignal, { type: 'agent_state' }>;
type Desk = Awaited<ReturnType<typeof signInDesk>>;

/** A bare desk signed in through Caddy, keeping the calls offered to it and the states the relay gives it. */
async function signInDesk(deskUrl: string, agentSecret: string) {
  const offers: Offered[] = [];
  const states: AgentState[] = [];
  const client = connectRelay({
    urls: [deskUrl],
    token: await issueAgentToken('asha', agentSecret),
    onEvent: (event) => {
      if (event.type === 'call_offered') offers.push(event);
      if (event.type === 'agent_state') states.push(event);
    },
  });
  stops.push(() => client.close());
  await Promise.race([
    client.ready(),
    pause(10_000).then(() => fail('A desk could not sign in to the relay through Caddy within 10 s.')),
  ]);
  return { client, offers, states };
}

/** A customer calls through Caddy's /webhook with this call button's payload; resolves once it rings at the desk. */
async function ringing(sim: WhatsAppSim, desk: Desk, call: Parameters<WhatsAppSim['placeCall']>[0]) {
  const placed = await sim
    .placeCall(call)
    .catch((error: Error) => fail(`WhatsApp's call webhook did not get through Caddy's /webhook: ${error.message}.`));
  const offer = await within(
    10_000,
    'The call did not ring at the desk signed in through Caddy within 10 s.',
    async () => desk.offers.find((o) => o.callId === placed.callId),
  );
  return { placed, offer };
}

/** The desk answers with this SDP; WhatsApp must have been told. */
async function answer(sim: WhatsAppSim, desk: Desk, callId: string, sdp: string): Promise<void> {
  for (const step of ['pre_accept', 'accept'] as const)
    await desk.client
      .request(step, { callId, sdp })
      .catch((error: Error) => fail(`The desk's ${step} through Caddy failed: ${error.message}.`));
  const actions = sim.graph.actionsFor(callId);
  if (!actions.includes('accept:200')) fail(`WhatsApp was not told the call was answered (${actions.join(', ')}).`);
}

/** The customer hangs up; the agent writes the call up, which makes them available for the next. */
async function hangUpAndWrapUp(sim: WhatsAppSim, desk: Desk, callId: string): Promise<void> {
  await sim.hangUp(callId);
  await within(10_000, 'The desk was never asked to write up the call it answered.', async () =>
    desk.states.at(-1)?.wrapUps.includes(callId) ? true : undefined,
  );
  await desk.client.request('wrap_up', { callId, outcome: 'Resolved', notes: '' });
}

/** Sales (deploy/queues.example.json: every agent, no opening hours): the desk's media goes to WhatsApp directly. */
async function directCall(sim: WhatsAppSim, desk: Desk): Promise<string> {
  const { placed } = await ringing(sim, desk, { ctaPayload: 'buy-now' });
  await answer(sim, desk, placed.callId, loadSdpFixture('02-meta-doc-user-initiated-answer.sdp'));
  await hangUpAndWrapUp(sim, desk, placed.callId);
  return placed.callId;
}

/** A queue anchored on Janus: the desk (a libwebrtc peer) answers Janus's offer; caller and desk hear each other. */
async function anchoredCall(sim: WhatsAppSim, desk: Desk): Promise<string> {
  const { placed, offer } = await ringing(sim, desk, {
    ctaPayload: ANCHORED.payloads[0],
    farEnd: { toneHz: 440, edgeHost: edgeAddress() },
  });
  if (!offer.sdpOffer.includes('cname:janus'))
    fail('The anchored call rang the desk with WhatsApp’s offer, not Janus’s.');
  const peer = createTonePeer(660);
  stops.push(() => peer.close());
  await answer(sim, desk, placed.callId, await peer.answer(offer.sdpOffer));
  await within(15_000, 'On the call anchored on Janus, the caller did not hear the desk within 15 s.', async () =>
    placed.farEnd.received.loudFrames > 0 ? true : undefined,
  );
  await within(15_000, 'On the call anchored on Janus, the desk did not hear the caller within 15 s.', async () =>
    peer.heard(440) > 0.01 ? true : undefined,
  );
  await hangUpAndWrapUp(sim, desk, placed.callId);
  return placed.callId;
}

/** The call's record in PostgreSQL, answered by the desk and ended. */
async function recorded(databaseUrl: string, callId: string) {
  const db = new pg.Client(databaseUrl);
  await db.connect();
  try {
    return await within(15_000, `The call ${callId} was not kept in PostgreSQL within 15 s.`, async () => {
      const { rows } = await db.query<{ answered_by: string | null; queue: string }>(
        'SELECT answered_by, queue FROM calls WHERE call_id = $1 AND ended_at IS NOT NULL',
        [callId],
      );
      return rows[0];
    });
  } finally {
    await db.end();
  }
}

/**
 * Prometheus's view: /metrics is not served through Caddy, each instance refuses a scrape without the token, and the
 * instances' counters add up to the one call.
 */
async function answeredPerMetrics(settings: RelaySettings, deskUrl: string, token: string): Promise<number> {
  const throughCaddy = `${deskUrl.replace(/^ws/, 'http')}metrics`;
  const status = (await fetch(throughCaddy, { headers: { Authorization: `Bearer ${token}` } })).status;
  if (status !== 404) fail(`Caddy passes /metrics on to the relays (${status}): it should answer 404.`);
  let sum = 0;
  for (const host of RELAY_HOSTS) {
    const url = `http://${host}:${settings.agentPort}/metrics`;
    if ((await fetch(url)).status !== 401) fail(`${url} answers without the metrics token.`);
    const text = await (await fetch(url, { headers: { Authorization: `Bearer ${token}` } })).text();
    sum += Number(/^wa_relay_calls_answered_total\{queue="sales"\} (\d+)$/m.exec(text)?.[1] ?? 0);
  }
  return sum;
}

async function smoke(dir: string): Promise<string[]> {
  const secrets = {
    WA_ACCESS_TOKEN: `EAAG${randomBytes(16).toString('hex')}`,
    WA_PHONE_NUMBER_ID: '100200300',
    WA_APP_SECRET: randomBytes(16).toString('hex'),
    WA_VERIFY_TOKEN: randomBytes(8).toString('hex'),
    RELAY_AGENT_SECRET: randomBytes(24).toString('hex'),
    RELAY_METRICS_TOKEN: randomBytes(24).toString('hex'),
  };
  const sim = await startWhatsAppSim({
    accessToken: secrets.WA_ACCESS_TOKEN,
    phoneNumberId: secrets.WA_PHONE_NUMBER_ID,
    appSecret: secrets.WA_APP_SECRET,
  });
  stops.push(() => sim.close());
  const [redisUrl, databaseUrl, janus] = await Promise.all([
    startRedis(dir),
    startPostgres(dir),
    WITH_JANUS ? startJanus(dir) : undefined,
  ]);
  // The example's queues, and with Janus one more whose media is anchored there.
  const example = JSON.parse(readFileSync(join(__dirname, 'queues.example.json'), 'utf8')) as { queues: unknown[] };
  const queuesFile = join(dir, 'queues.json');
  writeFileSync(queuesFile, JSON.stringify(janus ? { ...example, queues: [...example.queues, ANCHORED] } : example));
  const settings: RelaySettings = {
    webhookPort: await freePort(),
    agentPort: await freePort(),
    env: {},
  };
  settings.env = {
    ...secrets,
    ...janus,
    WA_GRAPH_BASE_URL: sim.graphBaseUrl,
    REDIS_URL: redisUrl,
    RELAY_DATABASE_URL: databaseUrl,
    RELAY_QUEUES_FILE: queuesFile,
    RELAY_WEBHOOK_PORT: String(settings.webhookPort),
    RELAY_AGENT_PORT: String(settings.agentPort),
    // Caddy reaches the instances from 127.0.0.1, as compose's fixed Caddy address.
    RELAY_TRUSTED_PROXIES: '127.0.0.1',
  };
  // One after the other: the first migrates the database.
  for (const [n, host] of RELAY_HOSTS.entries()) await startRelay(dir, `relay-${n + 1}`, host, settings);
  const caddy = await startCaddy(dir, settings);
  sim.setWebhookUrl(caddy.webhookUrl);
  const desk = await signInDesk(caddy.deskUrl, secrets.RELAY_AGENT_SECRET);
  const calls = [{ callId: await directCall(sim, desk), queue: 'sales' }];
  if (janus) calls.push({ callId: await anchoredCall(sim, desk), queue: ANCHORED.id });
  for (const { callId, queue } of calls) {
    const record = await recorded(databaseUrl, callId);
    if (record.answered_by !== 'asha' || record.queue !== queue)
      fail(`PostgreSQL kept ${callId} as answered by ${record.answered_by} in ${record.queue}, not asha in ${queue}.`);
  }
  const answered = await answeredPerMetrics(settings, caddy.deskUrl, secrets.RELAY_METRICS_TOKEN);
  if (answered !== 1) fail(`The instances' /metrics count ${answered} answered Sales calls, not 1.`);
  return calls.map((c) => c.callId);
}

async function main(): Promise<number> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'wa-smoke-'));
  // As root, PostgreSQL runs as Debian's postgres user, which must reach its folder inside this one.
  chmodSync(dir, 0o755);
  let code = 0;
  try {
    const callIds = await smoke(dir);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const pieces = WITH_JANUS ? 'Redis, PostgreSQL, Janus' : 'Redis, PostgreSQL';
    const calls = WITH_JANUS ? 'a call with direct media and one anchored on Janus (heard both ways)' : 'a call';
    console.log(
      `Smoke test passed in ${seconds} s: ${pieces}, two relay instances and Caddy (${CADDYFILE}) came up; ` +
        `${calls} through Caddy's /webhook rang a desk signed in through Caddy, were answered and are kept in ` +
        `PostgreSQL (${callIds.join(', ')}).`,
    );
  } catch (error) {
    code = 1;
    const sentence = error instanceof SmokeFailure ? error.message : `the smoke itself failed: ${String(error)}`;
    console.error(`Smoke test failed: ${sentence}`);
    if (!(error instanceof SmokeFailure) && error instanceof Error) console.error(error.stack);
  } finally {
    for (const stop of stops.reverse()) await Promise.resolve(stop()).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
  return code;
}

process.on('SIGINT', () => void Promise.all(stops.map((stop) => stop())).finally(() => process.exit(130)));
void main().then((code) => process.exit(code));
