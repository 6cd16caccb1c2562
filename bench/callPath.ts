import { chromium, type Browser, type Page } from '@playwright/test';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/lib/chromiumLaunch';
import { createLogger } from '../src/whatsapp/logger';
import { createFarEnd } from '../sim/farEnd';
import { startPhoneWithSim } from '../sim/phoneWithSim';
import { startPhoneApart } from './phoneApart';

export interface CallPathSample {
  webhookToRing: number;
  webhookToAnswerReady: number;
  clickToAccept: number;
  /**
   * The app's own part of click -> accept: click until pre_accept reaches WhatsApp, plus pre_accept's reply until
   * accept reaches WhatsApp. The rest is WhatsApp's turn (here the simulator's; over the internet, a round trip).
   */
  clickToAcceptOwn: number;
  clickToFirstPacket: number;
}

export interface CallPathBaseline {
  /** POST to a bare SSE server until the page shows the pushed element: the transport floor. */
  postToDom: number;
  /** A bare RTCPeerConnection answering the same kind of offer, until its first host candidate. */
  bareAnswer: number;
  /**
   * A bare page answering a caller: from the far end applying the answer until its first RTP packet. The page starts
   * its checks only then (as WhatsApp's edge answers checks only once it has the answer), with the microphone attached.
   */
  bareFirstPacket: number;
}

/** tsx names functions with an `__name` helper that does not exist inside the page; give the page one. */
async function newPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage();
  await page.addInitScript('window.__name = (fn) => fn');
  return page;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

/** Notes in the page when an element first appears, in Date.now() time, shared with Node on one machine. */
async function watchFor(page: Page, selector: string, key: string): Promise<void> {
  await page.evaluate(
    ({ selector, key }) => {
      const marks = ((window as unknown as { __marks?: Record<string, number> }).__marks ??= {});
      delete marks[key];
      const check = () => {
        if (marks[key] === undefined && document.querySelector(selector)) marks[key] = Date.now();
      };
      new MutationObserver(check).observe(document.body, { subtree: true, childList: true, attributes: true });
      check();
    },
    { selector, key },
  );
}

async function mark(page: Page, key: string): Promise<number> {
  await page.waitForFunction(
    (k) => (window as unknown as { __marks?: Record<string, number> }).__marks?.[k] !== undefined,
    key,
  );
  return page.evaluate((k) => (window as unknown as { __marks: Record<string, number> }).__marks[k]!, key);
}

async function measureApp(browser: Browser, calls: number): Promise<CallPathSample[]> {
  const phone = await startPhoneApart();
  const page = await newPage(browser);
  await page.goto(phone.url);
  await page.getByTestId('idle').waitFor();
  const samples: CallPathSample[] = [];
  try {
    for (let i = 0; i < calls + 1; i += 1) {
      await watchFor(page, '[data-testid="incoming-call"]', 'ring');
      await watchFor(page, '[data-testid="answer"][data-ready="yes"]', 'ready');
      const call = await phone.sim.placeCall({ name: `Bench ${i}` });
      const ring = await mark(page, 'ring');
      const ready = await mark(page, 'ready');
      const clickedAt = await page.evaluate(() => {
        const at = Date.now();
        (document.querySelector('[data-testid="answer"]') as HTMLButtonElement).click();
        return at;
      });
      await page.getByTestId('in-call').waitFor();
      const deadline = Date.now() + 10_000;
      while (call.farEnd.received.firstPacketAtMs === undefined && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 5));
      const request = (action: string) =>
        phone.sim.graph.requests.find(
          (r) =>
            (r.body as { call_id?: string; action?: string })?.call_id === call.callId &&
            (r.body as { action: string }).action === action,
        )!;
      const preAccept = request('pre_accept');
      const accept = request('accept');
      // The first call warms Chromium and the JIT; it is not counted.
      if (i > 0) {
        samples.push({
          webhookToRing: ring - call.webhookSentAtMs!,
          webhookToAnswerReady: ready - call.webhookSentAtMs!,
          clickToAccept: accept.arrivedAtMs - clickedAt,
          clickToAcceptOwn: preAccept.arrivedAtMs - clickedAt + (accept.arrivedAtMs - preAccept.repliedAtMs!),
          clickToFirstPacket: call.farEnd.received.firstPacketAtMs! - clickedAt,
        });
      }
      await page.getByTestId('hangup').click();
      await page.getByTestId('dismiss').click();
    }
  } finally {
    await page.close();
    await phone.close();
  }
  return samples;
}

async function measureBaselines(browser: Browser, rounds: number): Promise<CallPathBaseline> {
  const streams = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    if (req.url === '/events') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(': open\n\n');
      streams.add(res);
      return;
    }
    if (req.method === 'POST') {
      req.resume();
      req.on('end', () => {
        for (const s of streams) s.write(`data: ${Date.now()}\n\n`);
        res.end('ok');
      });
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><body><div id="log"></div></body>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const page = await newPage(browser);
  await page.goto(base);
  await page.evaluate(() => {
    const source = new EventSource('/events');
    source.onmessage = (e) => {
      const el = document.createElement('p');
      el.dataset.n = e.data;
      el.className = 'pushed';
      document.getElementById('log')!.replaceChildren(el);
    };
    return new Promise((r) => (source.onopen = r));
  });
  const postToDom: number[] = [];
  const bareAnswer: number[] = [];
  const bareFirstPacket: number[] = [];
  for (let i = 0; i < rounds + 1; i += 1) {
    await page.evaluate(() => document.getElementById('log')!.replaceChildren());
    await watchFor(page, '.pushed', 'pushed');
    const sentAt = Date.now();
    await fetch(`${base}/post`, { method: 'POST', body: '{}' });
    const shown = await mark(page, 'pushed');

    const farEnd = await createFarEnd({});
    const lines = farEnd.offerSdp.split('\r\n');
    const result = await page.evaluate(
      async ({ offer, candidates }) => {
        const started = performance.now();
        const pc = new RTCPeerConnection({ iceServers: [] });
        const firstCandidate = new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 2000);
          pc.onicecandidate = () => (clearTimeout(timer), resolve());
        });
        await pc.setRemoteDescription({ type: 'offer', sdp: offer });
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
        pc.getTransceivers()[0]!.direction = 'sendrecv';
        await pc.getTransceivers()[0]!.sender.replaceTrack(stream.getAudioTracks()[0]!);
        await pc.setLocalDescription(await pc.createAnswer());
        await firstCandidate;
        const w = window as unknown as { __pc: RTCPeerConnection; __startIce: () => Promise<void> };
        w.__pc = pc;
        w.__startIce = async () => {
          for (const candidate of candidates) await pc.addIceCandidate({ candidate, sdpMLineIndex: 0 });
        };
        return { sdp: pc.localDescription!.sdp, ms: performance.now() - started };
      },
      {
        offer: lines.filter((l) => !l.startsWith('a=candidate:')).join('\r\n'),
        candidates: lines.filter((l) => l.startsWith('a=candidate:')).map((l) => l.slice(2)),
      },
    );
    const appliedAt = Date.now();
    await farEnd.applyAnswer(result.sdp);
    await page.evaluate(() => (window as unknown as { __startIce: () => Promise<void> }).__startIce());
    const deadline = Date.now() + 10_000;
    while (farEnd.received.firstPacketAtMs === undefined && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    if (i > 0) {
      postToDom.push(shown - sentAt);
      bareAnswer.push(result.ms);
      bareFirstPacket.push(farEnd.received.firstPacketAtMs! - appliedAt);
    }
    farEnd.close();
    await page.evaluate(() => (window as unknown as { __pc: RTCPeerConnection }).__pc.close());
  }
  await page.close();
  for (const s of streams) s.end();
  server.close();
  return { postToDom: median(postToDom), bareAnswer: median(bareAnswer), bareFirstPacket: median(bareFirstPacket) };
}

/** Renderer main-thread CPU (ms per second) and JS heap, over a window of `seconds`. */
async function rendererLoad(page: Page, seconds: number): Promise<{ cpuMsPerSec: number; heapMb: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const read = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return Object.fromEntries(metrics.map((m) => [m.name, m.value])) as Record<string, number>;
  };
  const before = await read();
  await page.waitForTimeout(seconds * 1000);
  const after = await read();
  await cdp.detach();
  return {
    cpuMsPerSec: ((after.TaskDuration! - before.TaskDuration!) * 1000) / seconds,
    heapMb: after.JSHeapUsedSize! / 1024 / 1024,
  };
}

export async function measureRenderer(browser: Browser, seconds = 5) {
  const blank = await newPage(browser);
  await blank.setContent('<!doctype html><p>blank</p>');
  const blankLoad = await rendererLoad(blank, seconds);
  await blank.close();

  const phone = await startPhoneWithSim({ logger: createLogger({ level: 'warn' }) });
  const page = await newPage(browser);
  await page.goto(phone.host.url);
  await page.getByTestId('idle').waitFor();
  const idle = await rendererLoad(page, seconds);
  await phone.sim.placeCall();
  await page.locator('[data-testid="answer"][data-ready="yes"]').waitFor();
  const ringing = await rendererLoad(page, seconds);
  await page.getByTestId('answer').click();
  await page.getByTestId('in-call').waitFor();
  await page.waitForTimeout(1000);
  const inCall = await rendererLoad(page, seconds);
  await page.close();
  await phone.close();
  return { blank: blankLoad, idle, ringing, inCall };
}

export async function benchCallPath(calls = 9) {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const baseline = await measureBaselines(browser, calls);
    const samples = await measureApp(browser, calls);
    const app = {
      webhookToRing: median(samples.map((s) => s.webhookToRing)),
      webhookToAnswerReady: median(samples.map((s) => s.webhookToAnswerReady)),
      clickToAccept: median(samples.map((s) => s.clickToAccept)),
      clickToAcceptOwn: median(samples.map((s) => s.clickToAcceptOwn)),
      clickToFirstPacket: median(samples.map((s) => s.clickToFirstPacket)),
    };
    const renderer = await measureRenderer(browser);
    return { app, baseline, renderer, calls: samples.length };
  } finally {
    await browser.close();
  }
}
