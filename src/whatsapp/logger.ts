import { pino, type DestinationStream, type Level } from 'pino';

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
  /** Where the JSON lines go; standard output by default. */
  destination?: DestinationStream;
  /** Values that must never be written out, looked up at log time so a changed token is covered too. */
  secrets?: () => Array<string | undefined>;
  /** Records below this level are dropped before any work is done on them. */
  level?: LogLevel;
}

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** Fields that hold credentials wherever they appear; their values are never written. */
const REDACT_PATHS = [
  'accessToken',
  'appSecret',
  'agentToken',
  'ngrokAuthtoken',
  'authorization',
  'headers.authorization',
  '*.accessToken',
  '*.appSecret',
  '*.agentToken',
];

export function redact(text: string, secrets: Array<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out;
}

function levelFromEnv(): LogLevel {
  const wanted = process.env.SOFTPHONE_LOG_LEVEL as LogLevel | undefined;
  return wanted && LEVELS.includes(wanted) ? wanted : 'info';
}

/** Structured JSON logs (pino) with secrets removed from every line, whatever field or message they hide in. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = options.secrets ?? (() => []);
  const base = pino(
    {
      level: options.level ?? levelFromEnv(),
      base: undefined,
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      hooks: { streamWrite: (line) => redact(line, secrets()) },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
  const write = (level: Level) => (msg: string, fields?: Record<string, unknown>) => base[level](fields ?? {}, msg);
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** A logger that keeps records in memory, for tests and for the app's recent-events view. */
export function createMemoryLogger(
  options: Omit<LoggerOptions, 'destination'> = {},
): Logger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  const destination: DestinationStream = {
    write: (line: string) => {
      const { time: _time, ...record } = JSON.parse(line) as LogRecord & { time: string };
      records.push(record);
    },
  };
  return Object.assign(createLogger({ level: 'debug', ...options, destination }), { records });
}
