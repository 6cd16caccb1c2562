import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** The flood another local user sends: idle connections, and unauthenticated requests sent a byte at a time. */
const FLOOD_SCRIPT = `
const net = require('node:net');
const [port, idle, slow] = process.argv.slice(1).map(Number);
let connected = 0;
function open(dribble) {
  const socket = net.connect(port, '127.0.0.1');
  let timer;
  socket.on('connect', () => {
    if (++connected === idle + slow) console.log('ready');
    if (!dribble) return;
    const head = 'GET /api/events HTTP/1.1\\r\\nHost: 127.0.0.1:' + port + '\\r\\nX-Slow: ' + 'a'.repeat(10000);
    let sent = 0;
    timer = setInterval(() => socket.write(head[sent++ % head.length]), 100);
  });
  socket.on('error', () => {});
  // Dropped connections come back, as a determined attacker's would.
  socket.on('close', () => { clearInterval(timer); setTimeout(() => open(dribble), 50); });
}
for (let i = 0; i < idle; i++) open(false);
for (let i = 0; i < slow; i++) open(true);
`;

/** Another Unix user on this computer (nobody) when running as root, for local-user attacks; else this one. */
function otherUser(): { uid: number; gid: number } | undefined {
  return process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
}

/** Has another local user hold `idle` idle and `slow` slowly-sent connections to the port until stopped. */
export async function floodAsOtherUser(port: number, idle: number, slow: number): Promise<{ stop(): void }> {
  const child: ChildProcess = spawn(process.execPath, ['-e', FLOOD_SCRIPT, String(port), String(idle), String(slow)], {
    ...otherUser(),
    cwd: '/',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    lines.once('line', () => resolve());
    child.once('exit', (code) => reject(new Error(`the flooding process exited (${code})`)));
  });
  return { stop: () => child.kill('SIGKILL') };
}
