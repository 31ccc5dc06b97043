import { describe, expect, it } from '@jest/globals';
import { loggingSettingsOf } from './log-config.js';

describe('loggingSettingsOf', () => {
  const terminal = { isTTY: true, env: {} };
  const pipe = { isTTY: false, env: {} };

  it('is pretty with colours on a terminal and JSON elsewhere, unless LEDGERLINE_LOG_FORMAT says', () => {
    expect(loggingSettingsOf({ LEDGERLINE_LOG_LEVEL: 'info' }, terminal)).toEqual({ level: 'info', format: 'pretty', colors: true });
    expect(loggingSettingsOf({ LEDGERLINE_LOG_LEVEL: 'warn' }, pipe)).toEqual({ level: 'warn', format: 'json', colors: false });
    expect(loggingSettingsOf({ LEDGERLINE_LOG_LEVEL: 'info', LEDGERLINE_LOG_FORMAT: 'json' }, terminal).format).toBe('json');
    expect(loggingSettingsOf({ LEDGERLINE_LOG_LEVEL: 'info', LEDGERLINE_LOG_FORMAT: 'pretty' }, pipe)).toMatchObject({ format: 'pretty', colors: false });
  });

  it('has no colours with NO_COLOR set (not empty) or TERM=dumb', () => {
    expect(loggingSettingsOf({ LEDGERLINE_LOG_LEVEL: 'info' }, { isTTY: true, env: { NO_COLOR: '1' } }).colors).toBe(false);
    expect(loggingSettingsOf({ LEDGERLINE_LOG_LEVEL: 'info' }, { isTTY: true, env: { NO_COLOR: '' } }).colors).toBe(true);
    expect(loggingSettingsOf({ LEDGERLINE_LOG_LEVEL: 'info' }, { isTTY: true, env: { TERM: 'dumb' } }).colors).toBe(false);
  });
});
