import type { Update } from '@grammyjs/types';
import type { Request, Response } from 'express';
import { safeEqual } from '../../auth/safe-equal';

export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

export interface WebhookTarget {
  /** False until the channel is linked and has resumed its inbox; Telegram retries a 503. */
  ready(): boolean;
  /** Stores the update durably (synchronously) and handles it in the background. */
  accept(update: Update): void;
}

/**
 * The Express handler behind webhook.path. The update is on disk before the
 * 200 goes out, so Telegram stops retrying only once nothing can lose it.
 */
export function createWebhookHandler(secret: string, target: WebhookTarget, onError: (message: string) => void) {
  return (req: Request, res: Response): void => {
    const given = req.get(SECRET_HEADER);
    if (given === undefined || !safeEqual(given, secret)) {
      res.status(401).json({ ok: false, error: 'bad or missing secret token' });
      return;
    }
    if (!target.ready()) {
      res.status(503).set('Retry-After', '5').json({ ok: false, error: 'not ready' });
      return;
    }
    const update = req.body as Update | undefined;
    if (!update || typeof update !== 'object' || !Number.isSafeInteger(update.update_id)) {
      res.status(400).json({ ok: false, error: 'not a Telegram update' });
      return;
    }
    try {
      target.accept(update);
    } catch (error) {
      onError(
        `webhook update ${update.update_id} could not be stored: ${error instanceof Error ? error.message : String(error)}`,
      );
      res.status(500).json({ ok: false, error: 'could not store the update' });
      return;
    }
    res.status(200).json({ ok: true });
  };
}
