/** A client key of the gateway: only its hash is kept. */
export interface GatewayKeyRecord {
  /** Hex SHA-256 of the key. */
  readonly hash: string;
  /** Unique; goes into traces as the request's client. */
  readonly name: string;
  /** The routes the key may call; null: every route. */
  readonly routes: readonly string[] | null;
  /** Requests per minute the key may make (per gateway process); null: no limit. */
  readonly rpm: number | null;
  readonly createdAt: string;
}

/** The gateway's client keys. */
export interface GatewayKeyStore {
  /** Adds a key; a name already taken is refused (SluiceError 'conflict'). */
  putGatewayKey(k: Omit<GatewayKeyRecord, 'createdAt'>): Promise<void>;
  /** Every key, by name. */
  gatewayKeys(): Promise<GatewayKeyRecord[]>;
  /** Removes the key of that name; false when there was none. */
  revokeGatewayKey(name: string): Promise<boolean>;
}
