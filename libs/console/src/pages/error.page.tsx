import type { VNode } from 'preact';

export function errorBody(message: string, code?: string): VNode {
  return (
    <>
      <h1>Something is not right</h1>
      <p>{message}</p>
      {code && <p class="ll-muted">Code: <code>{code}</code></p>}
      <p><a href="/console">Back to the console</a></p>
    </>
  );
}

export function notFoundBody(): VNode {
  return (
    <>
      <h1>Not found</h1>
      <p>There is nothing here, or nothing you may see. Check the address, or go back to the console.</p>
      <p><a href="/console">Back to the console</a></p>
    </>
  );
}

export function signInProblemBody(message: string): VNode {
  return (
    <>
      <h1>You are not signed in</h1>
      <p>{message}</p>
      <p><a class="ll-button" href="/console/sign-in">Sign in</a></p>
    </>
  );
}

export function signedOutBody(): VNode {
  return (
    <>
      <h1>You are signed out</h1>
      <p>The console no longer acts for you: the access you gave it is revoked.</p>
      <p><a class="ll-button" href="/console/sign-in">Sign in again</a></p>
    </>
  );
}
