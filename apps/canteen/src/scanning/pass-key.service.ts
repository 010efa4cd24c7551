import { Injectable } from '@nestjs/common';
import { MealRepository } from './meal.repository';
import { generatePassKey, parsePassKey, PassKeyPair } from './meal-pass.signer';

/**
 * Each canteen's ES256 pass-signing key pair, created on first use (INSERT … ON CONFLICT DO NOTHING, then read
 * the winner) and cached in memory for the life of the process (keys never change here).
 * Production would keep the private keys in a KMS/HSM and sign there; the table `canteen_pass_keys` stands in.
 */
@Injectable()
export class PassKeyService {
  private readonly keys = new Map<string, Promise<PassKeyPair | null>>();

  constructor(private readonly repository: MealRepository) {}

  /** The canteen's key, created when missing. The canteen must exist. */
  async keyFor(canteenId: string): Promise<PassKeyPair> {
    const existing = await this.existingKey(canteenId);
    if (existing) return existing;
    const fresh = generatePassKey();
    await this.repository.insertPassKeyIfAbsent(canteenId, fresh.publicJwk.kid, fresh.privateKeyPem, fresh.publicJwk);
    this.keys.delete(canteenId);
    const key = await this.existingKey(canteenId);
    if (!key) throw new Error(`pass key of canteen ${canteenId} could not be created`);
    return key;
  }

  /** The canteen's key if one was ever created (verification never creates keys). */
  existingKey(canteenId: string): Promise<PassKeyPair | null> {
    const id = canteenId.toLowerCase();
    let entry = this.keys.get(id);
    if (!entry) {
      entry = this.repository.findPassKey(id).then((row) => (row ? parsePassKey(id, row.privateKeyPem) : null));
      this.keys.set(id, entry);
      // Do not remember a miss (the key may be created a moment later) nor a failure.
      entry.then(
        (key) => key === null && this.keys.get(id) === entry && this.keys.delete(id),
        () => this.keys.get(id) === entry && this.keys.delete(id),
      );
    }
    return entry;
  }
}
