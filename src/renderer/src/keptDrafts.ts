import { z } from 'zod';
import { usePhone, type WrapUpDraft } from './store';

const KEY = 'wa-softphone:wrap-up-drafts';
const Drafts = z.record(z.string().max(512), z.object({ outcome: z.string().max(80), notes: z.string().max(4000) }));

/** The drafts this tab kept before a reload; nothing when there are none or they do not read. */
export function keptDrafts(storage: Pick<Storage, 'getItem'>): Record<string, WrapUpDraft> {
  try {
    const parsed = Drafts.safeParse(JSON.parse(storage.getItem(KEY) ?? '{}'));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/**
 * Wrap-up notes half written survive a reload of the page (the tab's own session storage, gone with the tab): the
 * calls' wrap-ups come back from main, and their drafts with them.
 */
export function keepDraftsAcrossReloads(storage: Storage = sessionStorage): void {
  const kept = keptDrafts(storage);
  if (Object.keys(kept).length > 0) usePhone.setState((s) => ({ wrapUpDrafts: { ...kept, ...s.wrapUpDrafts } }));
  usePhone.subscribe((state, previous) => {
    if (state.wrapUpDrafts === previous.wrapUpDrafts) return;
    try {
      storage.setItem(KEY, JSON.stringify(state.wrapUpDrafts));
    } catch {
      // A full or refused storage only loses the drafts on a reload, as before.
    }
  });
}

/** How long typing pauses before the draft goes to main: one request per pause, not per key. */
const SEND_AFTER_MS = 300;

/**
 * Wrap-up drafts also go to main, which keeps them until the wrap-up is saved: a desk opened again after its tab
 * closed (session storage gone with it) shows what the agent had written. Sent when typing pauses, and at once as
 * the page goes.
 */
export function keepDraftsInMain(send: (callId: string, draft: WrapUpDraft) => unknown): void {
  const sent = new Map<string, string>();
  const due = new Map<string, WrapUpDraft>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    for (const [callId, draft] of due) {
      sent.set(callId, JSON.stringify(draft));
      send(callId, draft);
    }
    due.clear();
  };
  usePhone.subscribe((state, previous) => {
    if (state.wrapUpDrafts === previous.wrapUpDrafts) return;
    for (const [callId, draft] of Object.entries(state.wrapUpDrafts)) {
      if (sent.get(callId) === JSON.stringify(draft)) continue;
      due.set(callId, draft);
      timer ??= setTimeout(flush, SEND_AFTER_MS);
    }
  });
  window.addEventListener('pagehide', flush);
}
