import { describe, expect, it } from 'vitest';
import { createLogger, createMemoryLogger } from './logger';

describe('logger', () => {
  it('removes the current secrets from messages and fields, even when they change after start', () => {
    let secret = 'first-secret-value';
    const logger = createMemoryLogger({ secrets: () => [secret] });
    logger.info(`token first-secret-value leaked`, { nested: { url: 'https://x/?t=first-secret-value' } });
    secret = 'second-secret-value';
    logger.warn('again', { error: 'second-secret-value refused' });
    const text = JSON.stringify(logger.records);
    expect(text).not.toContain('first-secret-value');
    expect(text).not.toContain('second-secret-value');
    expect(logger.records[0]).toMatchObject({ level: 'info', msg: 'token [redacted] leaked' });
  });

  it('never writes credential fields by name', () => {
    const logger = createMemoryLogger();
    logger.info('settings', {
      accessToken: 'EAAG-unknown-to-the-secret-list',
      settings: { appSecret: 'abc123abc123' },
    });
    expect(JSON.stringify(logger.records)).not.toMatch(/EAAG-unknown|abc123abc123/);
  });

  it('drops records below its level and writes one JSON line per record', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', destination: { write: (line: string) => void lines.push(line) } });
    logger.info('quiet');
    logger.error('loud', { callId: 'c1' });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'error',
      msg: 'loud',
      callId: 'c1',
      time: expect.any(String),
    });
  });
});
