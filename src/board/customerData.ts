import { asciiDigits } from '../shared/asciiDigits';
import { CustomerDataReply, CustomerKey, type CustomerDataCounts } from '../shared/retention';
import { say } from './i18n';

const $ = (id: string) => document.getElementById(id)!;

/** The last outcome, kept as a message key and values so a change of language words it again. */
let result: { key: string; values?: Record<string, unknown> } | undefined;

export function showCustomerResult(): void {
  $('customer-result').textContent = result ? say(result.key, result.values) : '';
  const customer = asciiDigits(($('customer-key') as HTMLInputElement).value.trim());
  $('customer-confirm-text').textContent = say('customerData.confirm', { customer });
}

function tell(key: string, values?: Record<string, unknown>): void {
  result = { key, values };
  showCustomerResult();
}

const countsWords = (found: CustomerDataCounts) =>
  say('customerData.counts', {
    calls: found.calls,
    notes: found.notes,
    recordings: found.roomRecordings,
    transcripts: found.transcripts,
    surveys: found.surveyAnswers,
  });

/** Saves the archive the relay streamed as a download named as the relay named it. */
async function download(response: Response): Promise<void> {
  const name = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? 'customer.tar.gz';
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * One customer's data, for an admin: Export downloads everything the team keeps about them as one archive; Erase asks
 * once more, then removes it at the team and (when they next connect) on every desk.
 */
export function startCustomerData(token: string | null): void {
  const input = $('customer-key') as HTMLInputElement;
  const confirm = $('customer-confirm');

  /** The customer as the relay reads them, or undefined (and the page says what to type). */
  function customer(): string | undefined {
    const parsed = CustomerKey.safeParse(input.value);
    if (!parsed.success) tell('customerData.invalid');
    return parsed.success ? parsed.data : undefined;
  }

  async function send(action: 'export' | 'erase'): Promise<void> {
    const who = customer();
    if (!who) return;
    if (!token) return tell('customerData.adminOnly');
    // Named back as the relay reads it: digits typed in another script shown as the number they are.
    const shown = asciiDigits(input.value.trim());
    const response = await fetch('/board/api/customer-data', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ customer: who, action }),
    }).catch(() => undefined);
    if (!response) return tell('row.relayNoAnswer');
    if (response.status === 401) return tell('reports.signInEnded');
    if (response.status === 403) return tell('customerData.adminOnly');
    if (action === 'export' && response.ok) {
      const counts = response.headers.get('X-Customer-Data');
      await download(response);
      const found = counts ? CustomerDataReply.shape.found.safeParse(JSON.parse(counts)) : undefined;
      return tell('customerData.exported', {
        customer: shown,
        counts: found?.success ? countsWords(found.data) : '',
      });
    }
    const reply = CustomerDataReply.safeParse(await response.json().catch(() => undefined));
    if (!reply.success || (response.status !== 200 && response.status !== 404)) return tell('customerData.failed');
    if (reply.data.found.calls === 0)
      return tell(action === 'erase' ? 'customerData.nothingErased' : 'customerData.nothing', { customer: shown });
    tell('customerData.erased', { customer: shown, counts: countsWords(reply.data.found) });
  }

  $('customer-data').addEventListener('submit', (event) => {
    event.preventDefault();
    confirm.hidden = true;
    void send('export');
  });
  $('customer-erase').addEventListener('click', () => {
    if (!customer()) return;
    result = undefined;
    showCustomerResult();
    confirm.hidden = false;
    $('customer-erase-confirm').focus();
  });
  $('customer-erase-cancel').addEventListener('click', () => {
    confirm.hidden = true;
    input.focus();
  });
  $('customer-erase-confirm').addEventListener('click', () => {
    confirm.hidden = true;
    void send('erase');
  });
  input.addEventListener('input', () => (confirm.hidden = true));
}
