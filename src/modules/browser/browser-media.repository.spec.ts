import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '../../common/config';
import { GatewayRuntime } from '../config/gateway-runtime';
import { stateDirPool } from '../../../test/support/test-app';
import { BrowserMediaRepository, MEDIA_CHUNK_BYTES, MEDIA_MAX_BYTES } from './browser-media.repository';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const dirs = stateDirPool();

function repositoryIn(stateDir: string): BrowserMediaRepository {
  const config = loadConfig({ env: { NESTCLAW_STATE_DIR: stateDir }, homeDir: stateDir, readFile: () => '{}' });
  return new BrowserMediaRepository(new GatewayRuntime(config, ['127.0.0.1'], 0, '0.0.0-test', 'test-host'));
}

/** A "PNG" of the given size: the magic, then bytes that differ by position so a misplaced piece shows. */
function fakePng(size: number): Buffer {
  const bytes = Buffer.alloc(size, 0);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) & 0xff;
  PNG_MAGIC.copy(bytes);
  return bytes;
}

describe(BrowserMediaRepository.name, () => {
  let stateDir: string;
  let media: BrowserMediaRepository;

  beforeEach(() => {
    stateDir = dirs.make();
    media = repositoryIn(stateDir);
  });

  afterAll(() => dirs.removeAll());

  describe('readChunk', () => {
    it('returns a stored picture in pieces whose base64 strings concatenate to the file', () => {
      const png = fakePng(MEDIA_CHUNK_BYTES * 2 + 1234);
      const stored = media.savePng(png);
      const mediaId = media.idOf(stored.path)!;
      expect(mediaId).toMatch(/^screenshot-\d+-[0-9a-f]{12}\.png$/);

      const pieces: string[] = [];
      let offset = 0;
      for (let guard = 0; guard < 10; guard++) {
        const chunk = media.readChunk(mediaId, offset)!;
        expect(chunk).toMatchObject({ mediaId, mimeType: 'image/png', bytes: png.length, offset });
        pieces.push(chunk.dataBase64);
        offset += Buffer.from(chunk.dataBase64, 'base64').length;
        if (chunk.done) break;
      }
      expect(pieces).toHaveLength(3);
      expect(Buffer.from(pieces.join(''), 'base64').equals(png)).toBe(true);
    });

    it.each([
      ['a parent-directory id', '../../nestclaw.json'],
      ['an absolute path', '/etc/passwd'],
      ['an id with a separator', 'screenshot-1-0123456789ab.png/../x'],
      ['another extension', 'screenshot-1-0123456789ab.json'],
      ['an empty id', ''],
    ])('refuses %s', (_, mediaId) => {
      expect(media.readChunk(mediaId, 0)).toBeUndefined();
    });

    it('does not follow a symlink planted under a valid-looking name', () => {
      const secret = path.join(stateDir, 'secret.png');
      fs.writeFileSync(secret, fakePng(100));
      const dir = path.dirname(media.savePng(fakePng(100)).path);
      fs.symlinkSync(secret, path.join(dir, 'screenshot-1-0123456789ab.png'));
      expect(media.readChunk('screenshot-1-0123456789ab.png', 0)).toBeUndefined();
    });

    it('refuses a file that is not a PNG, one over the size cap, and an offset past the end', () => {
      const dir = path.dirname(media.savePng(fakePng(100)).path);
      fs.writeFileSync(path.join(dir, 'screenshot-2-0123456789ab.png'), 'not a picture at all');
      expect(media.readChunk('screenshot-2-0123456789ab.png', 0)).toBeUndefined();
      fs.writeFileSync(path.join(dir, 'screenshot-3-0123456789ab.png'), fakePng(MEDIA_MAX_BYTES + 1));
      expect(media.readChunk('screenshot-3-0123456789ab.png', 0)).toBeUndefined();

      const small = media.idOf(media.savePng(fakePng(100)).path)!;
      expect(media.readChunk(small, 100)).toBeUndefined();
      expect(media.readChunk(small, -1)).toBeUndefined();
      expect(media.readChunk(small, 99)).toMatchObject({ offset: 99, done: true });
    });
  });

  describe('idOf', () => {
    it('names only files inside the media folder', () => {
      const outside = path.join(stateDir, 'screenshot-1-0123456789ab.png');
      fs.writeFileSync(outside, fakePng(100));
      expect(media.idOf(outside)).toBeUndefined();
    });
  });
});
