import type { Request, Response } from 'express';

/** `__Host-` binds the cookie to this origin, Secure, path / (outside loopback). */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-ll_console' : 'll_console';
}

export function signInCookieName(secure: boolean): string {
  return secure ? '__Host-ll_console_sign_in' : 'll_console_sign_in';
}

export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

export function setCookie(res: Response, name: string, value: string, secure: boolean, maxAgeMs: number): void {
  res.cookie(name, value, { httpOnly: true, secure, sameSite: 'lax', path: '/', maxAge: maxAgeMs });
}

export function clearCookie(res: Response, name: string, secure: boolean): void {
  res.clearCookie(name, { httpOnly: true, secure, sameSite: 'lax', path: '/' });
}
