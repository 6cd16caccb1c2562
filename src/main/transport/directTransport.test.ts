import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectWebhook, postSignedWebhook } from '../../../sim/webhookSender';
import type { CallSignal } from '../../shared/callSignals';
import { createLogger, createMemoryLogger, type Logger } from '../../whatsapp/logger';
import { testClocks, type TestClocks } from '../../whatsapp/testClocks';
import { openCallHistory } from '../callHistory';
import type { ConnectionSettings } from '../settingsStore';
import { OFFLINE_ENVIRONMENT } from '../testDesk';
import type { CallTransport } from './callTransport';
import { openDirectTransport } from './directTransport';

const CONNECTION: ConnectionSettings = {
  accessToken: 'EAAGdirectTransportToken123',
  phoneNumberId: '100200300',
  appSecret: '0123456789abcdef0123456789abcdef',
  verifyToken: 'verify-direct',
  webhookPort: 8787,
  tunnel: 'none',
  publicUrl: '',
  ngrokAuthtoken: '',
  permissionTemplate: '',
  permissionTemplateLanguage: 'en',
  mode: 'direct',
  relayUrls: [],
  agentToken: '',
};
const ENVIRONMENT = OFFLINE_ENVIRONMENT;
interface DeskTestOptions {
  logger?: Logger;
  clocks?: TestClocks;
}
const open: CallTransport[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
});

async function transport(
  seenEvents?: ReturnType<typeof openCallHistory>['seenEvents'],
  { logger = createLogger({ destination: { write: () => undefined } }), clocks }: DeskTestOptions = {},
) {
  const signals: CallSignal[] = [];
  const t = await openDirectTransport(
    {
      connection: CONNECTION,
      environment: ENVIRONMENT,
      tunnels: { open: () => Promise.reject(new Error('none')) },
      seenEvents,
      webhookClocks: clocks && { now: clocks.now, steadyNow: clocks.steadyNow },
    },
    {
      logger,
      onSignal: (s) => signals.push(s),
      onChange: () => undefined,
      onActivity: () => undefined,
      agentStatus: () => 'available',
      pendingMissedCustomers: () => [],
    },
  );
  open.push(t);
  return { t, signals, url: t.status().webhook!.localUrl! };
}

const connectParams = (callId: string, phoneNumberId = CONNECTION.phoneNumberId) => ({
  callId,
  from: '447700900123',
  phoneNumberId,
  sdpOffer: 'v=0\r\n',
});
const connect = (callId: string, phoneNumberId = CONNECTION.phoneNumberId) =>
  connectWebhook(connectParams(callId, phoneNumberId));

describe('direct transport', () => {
  it('ignores and counts webhooks for another phone number, and rings for its own', async () => {
    const { t, signals, url } = await transport();
    expect((await postSignedWebhook(url, connect('other', '999888777'), CONNECTION.appSecret)).status).toBe(200);
    expect((await postSignedWebhook(url, connect('mine'), CONNECTION.appSecret)).status).toBe(200);
    await expect.poll(() => signals.map((s) => ('callId' in s ? s.callId : s.type))).toEqual(['mine']);
    expect(t.status().webhook?.otherNumberCount).toBe(1);
  });

  it('does not ring again for a connect Meta replays after the desk restarted', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'seen-')), 'history.sqlite');
    const first = openCallHistory(path);
    const before = await transport(first.seenEvents);
    await postSignedWebhook(before.url, connect('replayed'), CONNECTION.appSecret);
    await expect.poll(() => before.signals.length).toBe(1);
    await before.t.close();
    first.close();

    const again = openCallHistory(path);
    const after = await transport(again.seenEvents);
    expect((await postSignedWebhook(after.url, connect('replayed'), CONNECTION.appSecret)).status).toBe(200);
    await postSignedWebhook(after.url, connect('new-one'), CONNECTION.appSecret);
    await expect.poll(() => after.signals.map((s) => ('callId' in s ? s.callId : s.type))).toEqual(['new-one']);
    again.close();
  });

  describe('stale connects (issue 23)', () => {
    /** A desk on `clocks` whose Meta-stamped connects are sent one by one, each a second after its stamp. */
    async function deskOn(clocks: TestClocks) {
      const logger = createMemoryLogger();
      const desk = await transport(undefined, { logger, clocks });
      let callNo = 0;
      const send = async (timestampSec: number) => {
        callNo += 1;
        const callId = `stale.${callNo}`;
        const body = connectWebhook({ ...connectParams(callId), timestampSec });
        expect((await postSignedWebhook(desk.url, body, CONNECTION.appSecret)).status).toBe(200);
        return callId;
      };
      const rung = () => desk.signals.flatMap((s) => (s.type === 'call_offered' ? [s.callId] : []));
      const warnedOf = (callId: string) => logger.records.some((r) => r.level === 'warn' && r.callId === callId);
      async function genuine(count: number) {
        const ids: string[] = [];
        for (let i = 0; i < count; i += 1) {
          clocks.pass(20_000);
          ids.push(await send(clocks.metaSec(1000)));
        }
        await expect.poll(() => rung().filter((id) => ids.includes(id)).length).toBe(count);
      }
      /** A connect Meta retried 90 s after the call started: too late to answer, so not rung, with a warning. */
      async function lateRetryIsDropped() {
        const late = await send(clocks.metaSec(90_000));
        await expect.poll(() => warnedOf(late)).toBe(true);
        expect(rung()).not.toContain(late);
      }
      return { send, rung, warnedOf, genuine, lateRetryIsDropped, logger };
    }

    it('rings every genuine call after one signed connect stamped 10 minutes ahead', async () => {
      const clocks = testClocks();
      const desk = await deskOn(clocks);
      await desk.send(clocks.metaSec(-10 * 60_000));
      await desk.genuine(3);
      clocks.pass(60_000);
      await desk.genuine(3);
      await desk.lateRetryIsDropped();
    });

    it("does not ring a connect stamped two days ago that is a fresh desk's first delivery", async () => {
      const clocks = testClocks();
      const desk = await deskOn(clocks);
      const replay = await desk.send(clocks.metaSec(2 * 24 * 3600_000));
      await desk.genuine(2);
      expect(desk.rung()).not.toContain(replay);
      expect(desk.warnedOf(replay)).toBe(true);
    });

    for (const skewMs of [2 * 60_000, -2 * 60_000]) {
      it(`rings every call from the first on a desk whose clock is ${skewMs / 60_000} min off`, async () => {
        const clocks = testClocks(skewMs);
        const desk = await deskOn(clocks);
        await desk.genuine(5);
        await desk.lateRetryIsDropped();
      });
    }

    it("rings every call while the desk's clock steps 5 minutes forward and back", async () => {
      const clocks = testClocks();
      const desk = await deskOn(clocks);
      await desk.genuine(4);
      clocks.stepWall(5 * 60_000);
      await desk.genuine(4);
      clocks.stepWall(-10 * 60_000);
      await desk.genuine(4);
      await desk.lateRetryIsDropped();
    });
  });
});
