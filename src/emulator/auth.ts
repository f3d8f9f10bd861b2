import type { EmulatorCredentials } from './types';

/**
 * HTTP Basic auth: `accountSid:authToken` or `apiKey:apiSecret`. The accepted header values are
 * computed once, so a check is a set lookup (the operation-poll hot path runs it every time).
 */
export class BasicAuth {
  private readonly accepted: ReadonlySet<string>;

  constructor(credentials: EmulatorCredentials) {
    const pairs: [string, string][] = [];
    if (credentials.authToken) pairs.push([credentials.accountSid, credentials.authToken]);
    if (credentials.apiKey && credentials.apiSecret) pairs.push([credentials.apiKey, credentials.apiSecret]);
    this.accepted = new Set(
      pairs.map(([user, secret]) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`),
    );
  }

  isAuthorized(authorizationHeader: string | undefined): boolean {
    if (authorizationHeader === undefined) return false;
    if (this.accepted.has(authorizationHeader)) return true;
    // Tolerate a lower-case scheme or extra spaces by normalising once.
    const [scheme, token] = authorizationHeader.trim().split(/\s+/, 2);
    return scheme?.toLowerCase() === 'basic' && this.accepted.has(`Basic ${token ?? ''}`);
  }
}
