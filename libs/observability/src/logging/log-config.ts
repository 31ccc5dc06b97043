import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `json`: one JSON object a line, for collectors; `pretty`: time, level, message and a few fields, for people at a terminal. */
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** The logging variables, as zod fields for the platform's configuration schema (a bad value stops the start, naming it). */
export const LOG_CONFIG_SHAPE = {
  LEDGERLINE_LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  // Unset and '' alike: the format follows stdout.
  LEDGERLINE_LOG_FORMAT: z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z.enum(LOG_FORMATS, { error: (issue) => `json or pretty, not ${JSON.stringify(issue.input)} (unset: pretty when stdout is a terminal, else json)` }).optional(),
  ),
};

export interface LogVariables {
  LEDGERLINE_LOG_LEVEL: LogLevel;
  LEDGERLINE_LOG_FORMAT?: LogFormat;
}

export interface LoggingSettings {
  level: LogLevel;
  format: LogFormat;
  /** ANSI colours in pretty lines (and the start banner): a terminal, and neither NO_COLOR nor TERM=dumb. */
  colors: boolean;
}

/** What the process writes to: whether stdout is a terminal, and the environment's colour conventions. */
export interface LogOutput {
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
}

export const PROCESS_OUTPUT: LogOutput = { isTTY: process.stdout.isTTY === true, env: process.env };

/** Pretty on a terminal and JSON elsewhere (a pipe, a file, a container's log), unless LEDGERLINE_LOG_FORMAT says. */
export function loggingSettingsOf(vars: LogVariables, output: LogOutput = PROCESS_OUTPUT): LoggingSettings {
  const format = vars.LEDGERLINE_LOG_FORMAT ?? (output.isTTY ? 'pretty' : 'json');
  // no-color.org: NO_COLOR set and not empty turns colours off.
  const colors = output.isTTY && !output.env.NO_COLOR && output.env.TERM !== 'dumb';
  return { level: vars.LEDGERLINE_LOG_LEVEL, format, colors };
}
