import type { ChatImagePart } from '../common/protocol/index.js';
import type { GatewayConnection } from './gateway-connection.js';

/** The gateway's own caps (docs/protocol.md, chat.media): a page never assembles more than this. */
const MAX_BYTES = 8 * 1024 * 1024;
const MAX_PIECES = 64;
const MEDIA_ID = /^screenshot-\d{1,16}-[0-9a-f]{12}\.png$/;
/** The first bytes of every PNG file, base64-encoded (the eight magic bytes, less the last bits). */
const PNG_BASE64_START = 'iVBORw0KGg';

/** The image parts of a chat message whose ids have the one form the gateway gives. */
export function imagePartsOf(content: unknown): ChatImagePart[] {
  if (!Array.isArray(content)) return [];
  return content.filter(
    (part): part is ChatImagePart =>
      typeof part === 'object' &&
      part !== null &&
      (part as { type?: unknown }).type === 'image' &&
      typeof (part as { mediaId?: unknown }).mediaId === 'string' &&
      MEDIA_ID.test((part as { mediaId: string }).mediaId),
  );
}

/**
 * Fetches a picture over the page's own authenticated socket (`chat.media`,
 * piece by piece) and returns it as a data: URL. The URL is built here from
 * bytes checked to be a PNG, never taken from the gateway, so a message can
 * make the page load nothing from anywhere.
 */
export async function loadChatImage(conn: GatewayConnection, mediaId: string): Promise<string> {
  const pieces: string[] = [];
  let offset = 0;
  for (let i = 0; i < MAX_PIECES; i++) {
    const piece = await conn.request('chat.media', { mediaId, offset });
    if (
      piece.mediaId !== mediaId ||
      piece.offset !== offset ||
      piece.bytes > MAX_BYTES ||
      !/^[A-Za-z0-9+/]*={0,2}$/.test(piece.dataBase64)
    ) {
      throw new Error('the gateway answered with a different picture');
    }
    // Only the last piece may end in padding, or the pieces would not concatenate.
    if (!piece.done && piece.dataBase64.endsWith('=')) throw new Error('the gateway answered with a broken piece');
    pieces.push(piece.dataBase64);
    offset += decodedLength(piece.dataBase64);
    if (offset > MAX_BYTES) throw new Error('the picture is larger than 8 MiB');
    if (piece.done) {
      const base64 = pieces.join('');
      if (!base64.startsWith(PNG_BASE64_START)) throw new Error('the picture is not a PNG image');
      return `data:image/png;base64,${base64}`;
    }
    if (decodedLength(piece.dataBase64) === 0) break;
  }
  throw new Error('the picture did not arrive whole');
}

function decodedLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return (base64.length / 4) * 3 - padding;
}
