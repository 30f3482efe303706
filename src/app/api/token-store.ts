/** A control-API token as the store keeps it: never the token, only its SHA-256 hash. */
export interface TokenRecord {
  readonly hash: string;
  readonly name: string;
  readonly role: string;
  readonly createdAt: string;
  /** When it stops being accepted (ISO time), or null for never. */
  readonly expiresAt: string | null;
  /** When the control API last accepted it, or null. */
  readonly lastUsedAt: string | null;
  /** When it was revoked, or null. A revoked token is kept, so the API stays guarded once a token has existed. */
  readonly revokedAt: string | null;
}

/** The control API's bearer tokens, kept by hash. */
export interface TokenStore {
  putToken(t: {
    hash: string;
    name: string;
    role: string;
    createdAt?: string;
    expiresAt?: string | null;
  }): Promise<void>;
  tokenByHash(hash: string): Promise<TokenRecord | undefined>;
  /** Every token ever created, revoked ones included. */
  tokenCount(): Promise<number>;
  /** Every token, oldest first, revoked ones included. */
  listTokens(): Promise<TokenRecord[]>;
  /** Marks the tokens with this name, or whose hash starts with this hex prefix, revoked; returns how many. */
  revokeTokens(nameOrPrefix: string, at: string): Promise<number>;
  /** Records that a token was accepted at `at`. */
  touchToken(hash: string, at: string): Promise<void>;
}
