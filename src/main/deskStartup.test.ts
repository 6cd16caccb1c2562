import { chmodSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../whatsapp/logger';
import { historyUpdateOf } from './callHistory';
import { currentSecrets, prepareDesk } from './deskStartup';
import { plainCipher } from './settingsStore';
import { relayForm } from './testDesk';

const quiet = () => createLogger({ destination: { write: () => undefined } });
const fresh = () => mkdtempSync(join(tmpdir(), 'desk-start-'));

describe('desk start-up', () => {
  it('starts with a damaged settings file and history: sets them aside under a dated name and says so', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'settings.json'), '{"version": 1, "phoneNumberId": ');
    writeFileSync(join(dir, 'history.sqlite'), 'this is not a database, just bytes'.repeat(200));
    const desk = prepareDesk({ dataDir: dir, cipher: plainCipher, env: {}, logger: quiet() });
    expect(desk.storage.notices).toHaveLength(2);
    expect(desk.storage.notices[0]).toEqual({
      key: 'settingsDamaged',
      values: { file: expect.stringMatching(/^settings\.json\./) },
    });
    expect(desk.storage.notices[1]).toEqual({
      key: 'historyDamaged',
      values: { file: expect.stringMatching(/^history\.sqlite\./) },
    });
    const files = readdirSync(dir);
    expect(files.some((f) => /^settings\.json\.damaged-\d{4}-/.test(f))).toBe(true);
    expect(files.some((f) => /^history\.sqlite\.damaged-\d{4}-/.test(f))).toBe(true);
    expect(desk.storage.settings.isConfigured()).toBe(false);
    desk.storage.history.record(
      historyUpdateOf({ callId: 'c', direction: 'inbound', from: '1', phase: 'ringing', offeredAtMs: 1 }),
    );
    expect(desk.storage.history.list({ search: '', missedOnly: false, limit: 5 })).toHaveLength(1);
    desk.storage.history.close();
  });

  it('creates the history readable by this user only, even in a folder that already exists', () => {
    const dir = fresh();
    mkdirSync(join(dir, 'data'));
    const desk = prepareDesk({
      dataDir: join(dir, 'data'),
      cipher: plainCipher,
      env: {},
      logger: quiet(),
    });
    desk.storage.history.record(
      historyUpdateOf({ callId: 'c', direction: 'inbound', from: '1', phase: 'ringing', offeredAtMs: 1 }),
    );
    for (const file of readdirSync(join(dir, 'data'))) {
      expect(statSync(join(dir, 'data', file)).mode & 0o777, file).toBe(0o600);
    }
    desk.storage.history.close();
  });

  it('tightens a history file left readable by others', () => {
    const dir = fresh();
    const first = prepareDesk({ dataDir: dir, cipher: plainCipher, env: {}, logger: quiet() });
    first.storage.history.close();
    chmodSync(join(dir, 'history.sqlite'), 0o644);
    const again = prepareDesk({ dataDir: dir, cipher: plainCipher, env: {}, logger: quiet() });
    expect(statSync(join(dir, 'history.sqlite')).mode & 0o777).toBe(0o600);
    again.storage.history.close();
  });

  it('closes calls left in progress by a crash when it starts again', () => {
    const dir = fresh();
    const first = prepareDesk({ dataDir: dir, cipher: plainCipher, env: {}, logger: quiet() });
    first.storage.history.record(
      historyUpdateOf({
        callId: 'live',
        direction: 'inbound',
        from: '1',
        phase: 'active',
        offeredAtMs: 1,
        answeredAtMs: 2,
      }),
    );
    first.storage.history.close();
    const again = prepareDesk({ dataDir: dir, cipher: plainCipher, env: {}, logger: quiet() });
    expect(again.storage.history.list({ search: '', missedOnly: false, limit: 5 })).toEqual([
      expect.objectContaining({ callId: 'live', endReason: 'failed', message: 'The app stopped during this call.' }),
    ]);
    again.storage.history.close();
  });

  it('keeps secrets entered after start-up, the agent token included, out of the logs', () => {
    const dir = fresh();
    const lines: string[] = [];
    const desk = prepareDesk({ dataDir: dir, cipher: plainCipher, env: {} });
    const logger = createLogger({
      secrets: () => currentSecrets(desk.storage.settings),
      destination: { write: (line: string) => void lines.push(line) },
    });
    const saved = desk.storage.settings.saveConnection(
      relayForm('wss://relay.example', 'agent-token-pasted-later-123'),
    );
    expect(saved.ok).toBe(true);
    logger.warn('relay refused agent-token-pasted-later-123');
    expect(lines.join('')).not.toContain('agent-token-pasted-later-123');
    desk.storage.history.close();
  });
});
