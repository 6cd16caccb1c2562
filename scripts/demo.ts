import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createLogger } from '../src/whatsapp/logger';
import { startBotDemo } from '../sim/botDemo';
import { startDemoCalls } from '../sim/demoCalls';
import { demoKey, demoKeysHelp, latestLive } from '../sim/demoKeys';
import { startTeamDemo } from '../sim/teamDemo';
import { AfterCallSeconds } from '../src/relay/afterCallSetting';
import { SIM_SECRETS, startPhoneWithSim } from '../sim/phoneWithSim';
import type { SimulatedCall } from '../sim/whatsappSim';
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
  console.log(`\n${demoKeysHelp('bot')}\nWhen your desk rings, answer it, then use "Hand to assistant" (Survey).\n`);
  const placed: string[] = [];
  createInterface({ input: process.stdin }).on('line', (line) => {
    const key = demoKey(line, 'bot');
    if (key.kind === 'place')
      void demo
        .place()
        .then((call) => placed.push(call.callId))
        .catch((e: unknown) => console.error(String(e)));
    else if (key.kind === 'hang_up') {
      const call = latestLive(placed.flatMap((id) => demo.sim.calls.get(id) ?? []));
      // The terminal tells the hang-up as it follows the call.
      if (call) void demo.hangUp(call.callId).catch((e: unknown) => console.error(String(e)));
      else console.log('No call of the customer is going on.');
    } else console.log(demoKeysHelp('bot'));
  });
  stopOnSignals(() => demo.close());
}

/** `npm run demo -- --team`: a relay, two agents' desks and the supervisor's board; Enter places a call. */
async function teamDemo(): Promise<void> {
  const afterCall = AfterCallSeconds.safeParse(process.env.RELAY_AFTER_CALL_SECONDS);
  if (!afterCall.success) {
    console.error(afterCall.error.issues[0]?.message);
    process.exit(2);
  }
  const demo = await startTeamDemo({
    say: (line) => console.log(line),
    uiPort: Number(process.env.SOFTPHONE_UI_PORT ?? 5180),
    afterCallSeconds: afterCall.data,
  });
  openPage(demo.desks.asha);
  openPage(demo.desks.ben);
  console.log(`\nThe supervisor's board is at ${demo.board}`);
  console.log(`  supervisor token (sam): ${demo.supervisorToken}`);
  console.log(`  admin token (ada):      ${demo.adminToken}`);
  console.log(
    `  to withdraw a token:    REDIS_URL=${demo.redisUrl} RELAY_PREFIX=${demo.prefix} npm run relay -- revoke <sam, ada, asha or ben>`,
  );
  console.log(
    `\n${demoKeysHelp('team')} Support rings Asha and Ben, Sales rings Ben; a Sales caller nobody takes is offered a callback.\n`,
  );
  const placed: SimulatedCall[] = [];
  createInterface({ input: process.stdin }).on('line', (line) => {
    const key = demoKey(line, 'team');
    if (key.kind === 'place')
      void demo
        .place(key.queue)
        .then((call) => placed.push(call))
        .catch((e: unknown) => console.error(String(e)));
    else if (key.kind === 'hang_up') {
      const call = latestLive(placed);
      if (!call) return console.log('No call of a customer is going on.');
      void demo.sim
        .hangUp(call.callId)
        .then(() => console.log(`The customer (+${call.from}) hung up.`))
        .catch((e: unknown) => console.error(String(e)));
    } else if (key.kind === 'call_me_back')
      void demo.sim
        .tapLatestButtons(0)
        .then((tapped) =>
          console.log(
            tapped
              ? `The customer (+${tapped.customer}) tapped "${tapped.title}": the callback waits for a free agent.`
              : 'No customer was offered a callback yet: a Sales call nobody takes is, after its wait.',
          ),
        )
        .catch((e: unknown) => console.error(String(e)));
    else console.log(demoKeysHelp('team'));
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
  console.log(`The first call comes once the page is open. ${demoKeysHelp('phone')}\n`);
  const demo = startDemoCalls(phone, { say: (line) => console.log(line) });
  demo.first.catch((e: unknown) => console.error(String(e)));
  createInterface({ input: process.stdin }).on('line', (line) => {
    const key = demoKey(line, 'phone');
    if (key.kind === 'hang_up') void demo.hangUpLast().then((done) => done && console.log('The caller hung up.'));
    else if (key.kind === 'place') void demo.place().catch((e: unknown) => console.error(String(e)));
    else console.log(demoKeysHelp('phone'));
  });
  stopOnSignals(() => phone.close());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
