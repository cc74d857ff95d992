import type { Update } from '@grammyjs/types';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_FRAME_DEPTH } from '../../../common/protocol';
import { safeEqual } from '../../auth/safe-equal';
import { sendJson } from '../../gateway/http/http-io';
import { type JsonBodyLimits, readJsonBody } from '../../gateway/http/json-body';

export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/**
 * An update is a message with its reply-to message, entities and the like:
 * a few KB. 100 KiB is what the webhook accepted under Express (body-parser's
 * default), kept so no real update is refused; the nesting cap is the one
 * frames have (docs/protocol.md, Limits), far above the Bot API's deepest object.
 */
export const WEBHOOK_BODY_LIMITS: JsonBodyLimits = { maxBytes: 100 * 1024, maxDepth: MAX_FRAME_DEPTH };

export interface WebhookTarget {
  /** False until the channel is linked and has resumed its inbox; Telegram retries a 503. */
  ready(): boolean;
  /** Stores the update durably (synchronously) and handles it in the background. */
  accept(update: Update): void;
}

/**
 * The HTTP handler behind webhook.path. The secret is checked before the
 * body is read, so nobody without it gets a byte parsed. The update is on
 * disk before the 200 goes out, so Telegram stops retrying only once nothing
 * can lose it.
 */
export function createWebhookHandler(secret: string, target: WebhookTarget, onError: (message: string) => void) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const given = req.headers[SECRET_HEADER];
    if (typeof given !== 'string' || !safeEqual(given, secret)) {
      sendJson(res, 401, { ok: false, error: 'bad or missing secret token' });
      return;
    }
    if (!target.ready()) {
      sendJson(res, 503, { ok: false, error: 'not ready' }, { 'Retry-After': '5' });
      return;
    }
    const body = await readJsonBody(req, WEBHOOK_BODY_LIMITS);
    if (!body.ok) {
      sendJson(res, body.status, { ok: false, error: body.message }, body.closeConnection ? { Connection: 'close' } : {});
      return;
    }
    const update = body.value as Update | null;
    if (!update || typeof update !== 'object' || !Number.isSafeInteger(update.update_id)) {
      sendJson(res, 400, { ok: false, error: 'not a Telegram update' });
      return;
    }
    try {
      target.accept(update);
    } catch (error) {
      onError(
        `webhook update ${update.update_id} could not be stored: ${error instanceof Error ? error.message : String(error)}`,
      );
      sendJson(res, 500, { ok: false, error: 'could not store the update' });
      return;
    }
    sendJson(res, 200, { ok: true });
  };
}
