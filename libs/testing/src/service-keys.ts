import { join } from 'node:path';
import { ensureKeyPairFiles } from '@meal/auth';

/** The key-file variables of the canteen service, pointing into one directory. */
export interface ServiceKeyFiles {
  AUTH_PRIVATE_KEY_FILE: string;
  AUTH_PUBLIC_KEY_FILE: string;
  MEAL_CODE_PRIVATE_KEY_FILE: string;
  MEAL_CODE_PUBLIC_KEY_FILE: string;
}

/** Creates the identity and meal-code key pairs in `dir` (each only if missing) and returns their variables. */
export function createServiceKeyFiles(dir: string): ServiceKeyFiles {
  const keys: ServiceKeyFiles = {
    AUTH_PRIVATE_KEY_FILE: join(dir, 'identity-private.pem'),
    AUTH_PUBLIC_KEY_FILE: join(dir, 'identity-public.pem'),
    MEAL_CODE_PRIVATE_KEY_FILE: join(dir, 'meal-code-private.pem'),
    MEAL_CODE_PUBLIC_KEY_FILE: join(dir, 'meal-code-public.pem'),
  };
  ensureKeyPairFiles(keys.AUTH_PRIVATE_KEY_FILE, keys.AUTH_PUBLIC_KEY_FILE);
  ensureKeyPairFiles(keys.MEAL_CODE_PRIVATE_KEY_FILE, keys.MEAL_CODE_PUBLIC_KEY_FILE);
  return keys;
}
