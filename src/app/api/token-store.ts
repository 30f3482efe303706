/** The control API's bearer tokens, kept by hash. */
export interface TokenStore {
  putToken(t: { hash: string; name: string; role: string }): Promise<void>;
  tokenByHash(hash: string): Promise<{ name: string; role: string } | undefined>;
  tokenCount(): Promise<number>;
}
