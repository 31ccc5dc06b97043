/** Sign-in through the company's OpenID Connect provider (openid-client), when configured. */
export interface FederatedSignIn {
  /** The button on the sign-in page. */
  button(): { label: string };
  /** Where to send the browser to sign in upstream for this interaction. */
  start(interactionUid: string): Promise<string>;
}
