import { createHmac } from 'node:crypto';
import type { HoldoutDraw } from '../../domain/ports.js';
import { MIN_IDENTITY_SECRET_BYTES } from './hmac-identity-hasher.js';
import { ConfigurationError } from '../../domain/errors.js';

/** Labels the holdout's own key, derived from the deployment's key, so a draw shares nothing with an identity hash. */
const HOLDOUT_KEY_LABEL = 'influence-router holdout v1';

/** 2^48: the draw is the HMAC's first 48 bits over this, exact in a double. */
const DRAW_RANGE = 2 ** 48;

/**
 * The holdout's keyed draw: the first 48 bits of HMAC-SHA256(k, `tenant\nticketId`) as a number in
 * [0, 1), where k = HMAC-SHA256(deployment key, "influence-router holdout v1"). Deterministic (a
 * retry, a replay or an audit draws the same number), uniform, and not guessable without the key,
 * so nobody outside can tell which of their tickets would be kept at baseline.
 *
 * @example new HmacHoldoutDraw(identityKey).draw('acme', '35436') // 0.7316… (always the same)
 */
export class HmacHoldoutDraw implements HoldoutDraw {
  private readonly key: Buffer;

  constructor(secret: string | Uint8Array) {
    const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
    if (bytes.byteLength < MIN_IDENTITY_SECRET_BYTES) {
      throw new ConfigurationError(`the holdout's key (the identity hash key) must be at least ${MIN_IDENTITY_SECRET_BYTES} bytes`);
    }
    this.key = createHmac('sha256', bytes).update(HOLDOUT_KEY_LABEL, 'utf8').digest();
  }

  /** The ticket's draw in [0, 1). */
  draw(tenant: string, ticketId: string): number {
    const digest = createHmac('sha256', this.key).update(`${tenant}\n${ticketId}`, 'utf8').digest();
    return digest.readUIntBE(0, 6) / DRAW_RANGE;
  }
}
