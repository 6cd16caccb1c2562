export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogRecord {
  level: LogLevel;
  msg: string;
  [field: string]: unknown;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface LoggerOptions {
  sink?: (record: LogRecord) => void;
  /** Values that must never be written out, looked up at log time so a changed token is covered too. */
  secrets?: () => Array<string | undefined>;
  /** Records below this level are dropped before any work is done on them. */
  level?: LogLevel;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function redact(text: string, secrets: Array<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out;
}

const defaultSink = (record: LogRecord): void => {
  const line = JSON.stringify({ time: new Date().toISOString(), ...record });
  if (record.level === 'error' || record.level === 'warn') console.error(line);
  else console.log(line);
};

export function createLogger(options: LoggerOptions = {}): Logger {
  const sink = options.sink ?? defaultSink;
  const secrets = options.secrets ?? (() => []);
  const minimum = RANK[options.level ?? (process.env.SOFTPHONE_LOG_LEVEL as LogLevel | undefined) ?? 'info'] ?? RANK.info;
  const write = (level: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (RANK[level] < minimum) return;
    const record = JSON.parse(redact(JSON.stringify({ level, msg, ...fields }), secrets())) as LogRecord;
    sink(record);
  };
  return {
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
  };
}

/** A logger that keeps records in memory, for tests and for the app's recent-events view. */
export function createMemoryLogger(options: Omit<LoggerOptions, 'sink'> = {}): Logger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  return Object.assign(createLogger({ level: 'debug', ...options, sink: (r) => records.push(r) }), { records });
}
