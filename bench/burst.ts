import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/lib/chromiumLaunch';
import { startPhoneApart } from './phoneApart';

export interface BurstResult {
  calls: number;
  /** Webhook sent -> that call's card in the page, worst and median. */
  worstShownMs: number;
  medianShownMs: number;
  /** Every call's Answer enabled, from the first webhook. */
  allReadyMs: number;
  /** The oldest call's Answer enabled (the one that has the focus), from its webhook. */
  oldestReadyMs: number;
  /** Main-thread long tasks while they rang (PerformanceObserver "longtask"), longest and count over 50 ms. */
  longestTaskMs: number;
  longTasks: number;
  /** JS heap after a forced GC: a fresh page, the warm idle desk before the burst, and after all its calls ended. */
  heapColdMb: number;
  heapIdleMb: number;
  heapAfterMb: number;
}

/**
 * Many calls ringing at once on one desk (a queue overflowing onto it): every card must show within 1 s of its
 * webhook, the page must stay responsive, and its memory must come back once the calls end.
 */
export async function benchBurst(calls = 50): Promise<BurstResult> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  // The desk in its own process: the simulator builds 50 callers' libwebrtc peers at once, which must not run on
  // the desk's event loop.
  const phone = await startPhoneApart();
  try {
    const page = await browser.newPage();
    await page.addInitScript('window.__name = (fn) => fn');
    await page.goto(phone.url);
    await page.getByTestId('idle').waitFor();
    const cdp = await page.context().newCDPSession(page);
    /** Rings `count` calls at once, waits until every answer is ready, then the callers hang up. */
    const ringAndEnd = async (count: number) => {
      const placed = await Promise.all(
        Array.from({ length: count }, (_, i) => phone.sim.placeCall({ name: `Warm ${i}` })),
      );
      await page.waitForFunction((n) => document.querySelectorAll('[data-ready="yes"]').length >= n, count, {
        timeout: 60_000,
      });
      await Promise.all(placed.map((c) => phone.sim.hangUp(c.callId)));
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="incoming-call"]').length === 0);
      await page.waitForTimeout(1000);
    };
    const heapMb = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
      return usedSize / 1024 / 1024;
    };
    const heapColdMb = await heapMb();
    // A first burst warms the page (code compiled, caches filled), as a desk is warm after its first busy minute;
    // its one-time growth is reported apart, and "idle" is the warm desk before the measured burst.
    await ringAndEnd(calls);
    const heapIdleMb = await heapMb();

    await page.evaluate(() => {
      const w = window as unknown as {
        __shown: Record<string, number>;
        __ready: Record<string, number>;
        __long: number[];
      };
      w.__shown = {};
      w.__ready = {};
      w.__long = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.__long.push(entry.duration);
      }).observe({ type: 'longtask' });
      new MutationObserver(() => {
        for (const card of document.querySelectorAll<HTMLElement>('[data-testid="incoming-call"]')) {
          const id = card.dataset.callId!;
          w.__shown[id] ??= Date.now();
          if (card.querySelector('[data-ready="yes"]')) w.__ready[id] ??= Date.now();
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    const placed = await Promise.all(
      Array.from({ length: calls }, (_, i) => phone.sim.placeCall({ name: `Burst ${i}` })),
    );
    const firstSent = Math.min(...placed.map((c) => c.webhookSentAtMs!));
    await page.waitForFunction((n) => document.querySelectorAll('[data-ready="yes"]').length >= n, calls, {
      timeout: 60_000,
    });
    const allReadyMs = Date.now() - firstSent;
    const { shown, ready, long } = await page.evaluate(() => {
      const w = window as unknown as {
        __shown: Record<string, number>;
        __ready: Record<string, number>;
        __long: number[];
      };
      return { shown: w.__shown, ready: w.__ready, long: w.__long };
    });
    const oldest = placed.reduce((a, b) => (a.webhookSentAtMs! <= b.webhookSentAtMs! ? a : b));
    const delays = placed.map((c) => (shown[c.callId] ?? Infinity) - c.webhookSentAtMs!).sort((a, b) => a - b);
    await Promise.all(placed.map((c) => phone.sim.hangUp(c.callId)));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="incoming-call"]').length === 0, null, {
      timeout: 30_000,
    });
    await page.waitForTimeout(1000);
    const heapAfterMb = await heapMb();
    return {
      calls,
      worstShownMs: delays.at(-1)!,
      medianShownMs: delays[Math.floor(delays.length / 2)]!,
      allReadyMs,
      oldestReadyMs: ready[oldest.callId]! - oldest.webhookSentAtMs!,
      longestTaskMs: Math.max(0, ...long),
      longTasks: long.length,
      heapColdMb,
      heapIdleMb,
      heapAfterMb,
    };
  } finally {
    await browser.close();
    await phone.close();
  }
}
