import { expect, type Locator } from '@playwright/test';

/** Where Chromium drew each character of an element's text, left edge in CSS pixels, in the text's own order. */
export function drawnAt(element: Locator): Promise<Array<{ ch: string; x: number }>> {
  return element.evaluate((root) => {
    const placed: Array<{ ch: string; x: number }> = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? '';
      for (let i = 0; i < text.length; i++) {
        if (!text[i]!.trim()) continue;
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rect = range.getClientRects()[0];
        if (rect) placed.push({ ch: text[i]!, x: rect.left });
      }
    }
    return placed;
  });
}

/** The characters of `word` as drawn, read from left to right on the screen. */
export async function readLeftToRight(element: Locator, word: string): Promise<string> {
  const placed = await drawnAt(element);
  const text = placed.map((p) => p.ch).join('');
  const start = text.indexOf(word.replace(/\s/g, ''));
  expect(start, `"${word}" in "${text}"`).toBeGreaterThanOrEqual(0);
  return placed
    .slice(start, start + word.replace(/\s/g, '').length)
    .sort((a, b) => a.x - b.x)
    .map((p) => p.ch)
    .join('');
}
