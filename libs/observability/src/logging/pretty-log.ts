import pretty, { type PrettyOptions } from 'pino-pretty';

/** The request fields a pretty line shows after the message; the JSON format keeps every field. */
const SHOWN_FIELDS = ['tenant', 'user', 'client', 'tool', 'outcome'] as const;
/** The platform's own context: the default, so not shown. */
const OWN_CONTEXT = 'Ledgerline';

type MessageFormat = Extract<PrettyOptions['messageFormat'], (...args: never[]) => string>;

/**
 * One pretty line: `[context] message field=value … 12ms`, and an error's stack below it. It sees
 * the entry after pino's serializers, so it shows nothing the JSON line would not (no headers,
 * query strings or bodies).
 */
export const prettyMessage: MessageFormat = (log, messageKey, _level, { colors }) => {
  const context = typeof log.context === 'string' && log.context !== OWN_CONTEXT ? `${colors.gray(`[${log.context}]`)} ` : '';
  const fields = SHOWN_FIELDS.flatMap((name) => (typeof log[name] === 'string' ? [`${name}=${log[name]}`] : []));
  if (typeof log.responseTime === 'number') fields.push(`${log.responseTime}ms`);
  const err = log.err as { stack?: unknown; message?: unknown } | undefined;
  const stack = typeof err?.stack === 'string' ? err.stack : typeof err?.message === 'string' ? err.message : undefined;
  return `${context}${String(log[messageKey] ?? '')}${fields.length > 0 ? ` ${colors.gray(fields.join(' '))}` : ''}${stack ? `\n    ${stack.replaceAll('\n', '\n    ')}` : ''}`;
};

const PRETTY_OPTIONS: PrettyOptions = {
  translateTime: 'SYS:HH:MM:ss.l',
  customPrettifiers: { time: (time) => String(time) },
  ignore: 'pid,hostname',
  // The message format shows what matters, the error included; the rest stays in the JSON format.
  hideObject: true,
  messageFormat: prettyMessage,
};

/**
 * pino-pretty in the process (no worker thread) and synchronous: a terminal is slow to fill, and
 * the start banner written after a line must not overtake it.
 */
export function prettyLogStream(colors: boolean, destination: number | NodeJS.WritableStream = 1) {
  return pretty({ ...PRETTY_OPTIONS, colorize: colors, sync: true, destination });
}
