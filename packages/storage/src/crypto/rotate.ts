// Re-encrypts every stored credential under a new master key, in one transaction: either all
// accounts move to the new key or none does. Afterwards the running storage uses the new key;
// restart the process with the new APP_SECRET.
import { eq, isNotNull } from 'drizzle-orm';
import { EngineError } from '@mm/core';
import type { Storage } from '../storage.ts';
import { venueAccounts } from '../schema.ts';
import { openCredentials, sealCredentials } from './credentials.ts';
import { MasterKey, deriveMasterKey } from './master-key.ts';
import { envelopeKeyId } from './secret-box.ts';

export interface RotationResult {
  /** Accounts whose credentials were re-encrypted. */
  readonly rotated: number;
  /** Accounts already under the new key (a repeated rotation). */
  readonly alreadyRotated: number;
  readonly newKeyId: string;
}

async function keyOf(secret: string | MasterKey): Promise<MasterKey> {
  return secret instanceof MasterKey ? secret : deriveMasterKey(secret);
}

export async function rotateMasterKey(storage: Storage, oldSecret: string | MasterKey, newSecret: string | MasterKey): Promise<RotationResult> {
  const [oldKey, newKey] = await Promise.all([keyOf(oldSecret), keyOf(newSecret)]);
  if (oldKey.id === newKey.id) throw new EngineError('INVALID_ARGUMENT', 'the new master key is the same as the old one');
  const result = await storage.context.tx('rotate master key', async (tx) => {
    const rows = await tx
      .select({ id: venueAccounts.id, enc: venueAccounts.credentialsEnc })
      .from(venueAccounts)
      .where(isNotNull(venueAccounts.credentialsEnc))
      .for('update');
    let rotated = 0;
    let alreadyRotated = 0;
    for (const row of rows) {
      const envelope = row.enc!;
      if (envelopeKeyId(envelope) === newKey.id) {
        alreadyRotated++;
        continue;
      }
      // opening with the old key fails loudly (and rolls everything back) if it is not the old key
      const credentials = openCredentials(oldKey, row.id, envelope);
      await tx
        .update(venueAccounts)
        .set({ credentialsEnc: sealCredentials(newKey, row.id, credentials), updatedAt: new Date() })
        .where(eq(venueAccounts.id, row.id));
      rotated++;
    }
    return { rotated, alreadyRotated, newKeyId: newKey.id };
  });
  storage.context.masterKey = newKey;
  storage.context.logger.warn({ rotated: result.rotated, newKeyId: newKey.id }, 'credentials re-encrypted under a new master key; restart with the new APP_SECRET');
  return result;
}
