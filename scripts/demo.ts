import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createLogger } from '../src/whatsapp/logger';
import { startBotDemo } from '../sim/botDemo';
import { startDemoCalls } from '../sim/demoCalls';
import { startTeamDemo } from '../sim/teamDemo';
import { SIM_SECRETS, startPhoneWithSim } from '../sim/phoneWithSim';
import { stopOnSignals } from '../src/whatsapp/stopOnSignals';

/** Opens the page in Chromium's app window when there is a display, or says where it is. */
function openPage(url: string): void {
  console.log(`\nThe phone is at ${url}`);
  const chromium = ['/usr/bin/chromium', '/usr/bin/google-chrome'].find((p) => existsSync(p));
  if (chromium && process.env.DISPLAY) {
    spawn(chromium, [`--app=${url}`, '--autoplay-policy=no-user-gesture-required'], {
      stdio: 'ignore',
      detached: true,
    }).unref();
  } else {
    console.log('Open that address in Chromium or Chrome (allow the microphone).');
  }
}

/** `npm run demo -- --bot`: a team relay whose front desk is a bot, a survey bot, and the post-call survey. */
async function botDemo(): Promise<void> {
  const demo = await startBotDemo({
    say: (line) => console.log(line),
    uiPort: Number(process.env.SOFTPHONE_UI_PORT ?? 5180),
  });
  openPage(demo.url);
  console.log(`\nThe supervisor's board is at ${demo.board}`);
  console.log(`  supervisor token (sam): ${demo.supervisorToken}`);
  console.log(`\nThe bot API, with the front bot's token (Authorization: Bearer ${demo.botApi.token}):`);
  console.log(`  POST ${demo.botApi.escalate}  {"call": "<handle>", "queue": "support", "summary": "…", "facts": {}}`);
  console.log(`  POST ${demo.botApi.end}  {"call": "<handle>"}`);
  console.log("  (each call's handle is printed when the front bot answers it)");
  console.log(
    '\nPress Enter for a call. When your desk rings, answer it, then use "Hand to assistant" (Survey). Ctrl+C to stop.\n',
  );
  createInterface({ input: process.stdin }).on('line', () => {
    void demo.place().catch((e: unknown) => console.error(String(e)));
  });
  stopOnSignals(() => demo.close());
}

/** `npm run demo -- --team`: a relay, two agents' desks and the supervisor's board; Enter places a call. */
async function teamDemo(): Promise<void> {
  const demo = await startTeamDemo({
    say: (line) => console.log(line),
    uiPort: Number(process.env.SOFTPHONE_UI_PORT ?? 5180),
  });
  openPage(demo.desks.asha);
  openPage(demo.desks.ben);
  console.log(`\nThe supervisor's board is at ${demo.board}`);
  console.log(`  supervisor token (sam): ${demo.supervisorToken}`);
  console.log(`  admin token (ada):      ${demo.adminToken}`);
  console.log(
    '\nPress Enter for a call to Support (rings Asha and Ben), "s" + Enter for one to Sales (Ben). Ctrl+C to stop.\n',
  );
  createInterface({ input: process.stdin }).on('line', (line) => {
    void demo.place(line.trim() === 's' ? 'sales' : 'support').catch((e: unknown) => console.error(String(e)));
  });
  stopOnSignals(() => demo.close());
}

/** `npm run demo`: the phone plus the WhatsApp simulator calling it; no Meta account needed. */
async function main(): Promise<void> {
  if (process.argv.includes('--bot')) return botDemo();
  if (process.argv.includes('--team')) return teamDemo();
  // Only warnings and errors, so the demo's own lines stay readable.
  const logger = createLogger({
    secrets: () => [SIM_SECRETS.accessToken, SIM_SECRETS.appSecret],
    level: 'warn',
    destination: { write: (line: string) => void process.stderr.write(line) },
  });
  const phone = await startPhoneWithSim({ logger, uiPort: Number(process.env.SOFTPHONE_UI_PORT ?? 5180) });
  openPage(phone.host.url);
  console.log(
    'The first call comes once the page is open. Press Enter to place another, "h" + Enter to make the caller hang up, Ctrl+C to stop.\n',
  );
  const demo = startDemoCalls(phone, { say: (line) => console.log(line) });
  demo.first.catch((e: unknown) => console.error(String(e)));
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() === 'h') void demo.hangUpLast().then((done) => done && console.log('The caller hung up.'));
    else void demo.place().catch((e: unknown) => console.error(String(e)));
  });
  stopOnSignals(() => phone.close());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
