/** One tenant data key as stored: wrapped by the master key, never in the clear. */
export interface StoredDataKey {
  tenantId: string;
  keyId: string;
  /** base64(iv ‖ ciphertext ‖ tag) from MasterKey.wrap; '' once destroyed. */
  wrappedKey: string;
  /** MasterKey.keyId of the key that wrapped it. */
  masterKeyId: string;
  createdAt: string;
  destroyedAt: string | null;
}

/**
 * Where the wrapped data keys live. They cannot be rebuilt from anything: adapters write them
 * durably, and destroying one keeps the row (without the key) to record that it existed.
 */
export interface DataKeyStore {
  /**
   * The active (not destroyed) data key of one of the tenant's key rings, the newest if several.
   * A ring is a key-id prefix (see key-rings.ts): '' holds the connector secrets' keys `k<n>`.
   */
  active(tenantId: string, ring?: string): Promise<StoredDataKey | undefined>;
  get(tenantId: string, keyId: string): Promise<StoredDataKey | undefined>;
  /**
   * Inserts; a key id the tenant already has (destroyed or not) is refused with DataKeyExistsError
   * ('secrets.data_key_exists'). If another process created the tenant's first key concurrently,
   * the caller re-reads active().
   */
  insert(key: StoredDataKey): Promise<void>;
  /**
   * Crypto-shredding: forgets wrapped keys for good (the row stays, without the key). One key, the
   * keys of one ring, or all the tenant's; returns how many were destroyed now.
   */
  destroy(tenantId: string, which?: { keyId: string } | { ring: string }): Promise<number>;
  close(): Promise<void>;
}
