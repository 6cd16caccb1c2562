import { describe, expect, it } from 'vitest';
import { WrapUp } from './historySchemas';
import { customerName, CUSTOMER_NAME_MAX, withoutBidiControls } from './shownText';

describe('text from outside, as kept and shown', () => {
  it('drops bidi overrides and isolates that would reverse or disguise a name, and keeps every script', () => {
    expect(customerName('\u202Eevil')).toBe('evil');
    expect(customerName('<b>\u202Ex</b>')).toBe('<b>x</b>');
    expect(customerName('\u2067محمد\u2069 Kim 🙂')).toBe('محمد Kim 🙂');
    expect(withoutBidiControls('notes \u202Dabc\u202C')).toBe('notes abc');
    // An agent's notes are kept the same way when the wrap-up is saved.
    expect(WrapUp.parse({ callId: 'c1', outcome: 'Resolved', notes: 'said \u202Eon' }).notes).toBe('said on');
  });

  it('shortens a name past the limit by characters (never cutting an emoji in two), and drops an empty one', () => {
    const long = '😀'.repeat(5000);
    const kept = customerName(long)!;
    expect([...kept]).toHaveLength(CUSTOMER_NAME_MAX);
    expect(kept.endsWith('😀…')).toBe(true);
    expect(customerName('Kim')).toBe('Kim');
    expect(customerName('\u202E ')).toBeUndefined();
    expect(customerName(undefined)).toBeUndefined();
  });
});
