import { HttpException, type ExecutionContext } from '@nestjs/common';
import type { Response } from 'express';
import type { AuthChallenge } from './auth-challenge.js';

/** Sets the challenge header on the response and returns the exception that writes the body. */
export function challengeException(context: ExecutionContext, challenge: AuthChallenge): HttpException {
  context.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', challenge.wwwAuthenticate);
  return new HttpException(challenge.body, challenge.status);
}
