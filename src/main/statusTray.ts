import { Menu, nativeImage, Tray } from 'electron';
import type { AgentStatus } from '../shared/settingsSchemas';

const COLORS: Record<AgentStatus, [number, number, number]> = {
  available: [0x25, 0xd3, 0x66],
  busy: [0xf5, 0xa6, 0x23],
  away: [0x8a, 0x96, 0x9c],
};

/** A filled 16x16 dot in the status colour, drawn in memory so no icon file has to ship. */
function dot(status: AgentStatus) {
  const size = 16;
  const [r, g, b] = COLORS[status];
  const pixels = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const inside = (x - 7.5) ** 2 + (y - 7.5) ** 2 <= 49;
      const i = (y * size + x) * 4;
      pixels.set(inside ? [b, g, r, 255] : [0, 0, 0, 0], i);
    }
  }
  return nativeImage.createFromBitmap(pixels, { width: size, height: size });
}

export function createStatusTray(actions: { onOpen(): void; onStatus(status: AgentStatus): void; onQuit(): void }) {
  const tray = new Tray(dot('available'));
  tray.on('click', actions.onOpen);
  return {
    show(status: AgentStatus): void {
      tray.setImage(dot(status));
      tray.setToolTip(`WhatsApp Softphone: ${status}`);
      tray.setContextMenu(
        Menu.buildFromTemplate([
          { label: 'Open phone', click: actions.onOpen },
          { type: 'separator' },
          ...(['available', 'busy', 'away'] as const).map((s) => ({
            label: s[0]!.toUpperCase() + s.slice(1),
            type: 'radio' as const,
            checked: s === status,
            click: () => actions.onStatus(s),
          })),
          { type: 'separator' },
          { label: 'Quit', click: actions.onQuit },
        ]),
      );
    },
  };
}
