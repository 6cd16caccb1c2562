import { describe, expect, it } from 'vitest';
import { asciiDigits } from './asciiDigits';
import { CustomerKey } from './retention';

describe('digits typed in another script', () => {
  it('reads Arabic-Indic, Eastern Arabic-Indic, Devanagari, Bengali and full-width digits as ASCII digits', () => {
    expect(asciiDigits('+٤٤ ٧٧٠٠ ٩٠٠٥٥٥')).toBe('+44 7700 900555');
    expect(asciiDigits('۴۴۷۷۰۰۹۰۰۵۵۵')).toBe('447700900555');
    expect(asciiDigits('+९१ ९८७६५ ४३२१०')).toBe('+91 98765 43210');
    expect(asciiDigits('৪৪৭৭০০')).toBe('447700');
    expect(asciiDigits('４４７７００')).toBe('447700');
  });

  it('leaves everything else alone: ASCII digits, letters, a business-scoped user ID', () => {
    expect(asciiDigits('US.13491208655302741918')).toBe('US.13491208655302741918');
    expect(asciiDigits('abc ١x')).toBe('abc 1x');
  });

  it('lets an admin type a customer’s number in Arabic-Indic or Devanagari digits', () => {
    expect(CustomerKey.parse('+٤٤ ٧٧٠٠ ٩٠٠٥٥٥')).toBe('447700900555');
    expect(CustomerKey.parse('+९१ ९८७६५ ४३२१०')).toBe('919876543210');
  });
});
