import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Small web sites on 127.0.0.1 for browser tests. `pages` maps a path to
 * HTML, or to a handler for redirects and hangs; every request is recorded,
 * so a test can prove that a refused URL was never fetched.
 */
export class FixtureSite {
  readonly hits: string[] = [];

  private constructor(
    private readonly server: http.Server,
    private readonly pages: Record<string, string | ((req: http.IncomingMessage, res: http.ServerResponse) => void)>,
  ) {}

  static async start(
    pages: Record<string, string | ((req: http.IncomingMessage, res: http.ServerResponse) => void)>,
  ): Promise<FixtureSite> {
    let site: FixtureSite | undefined;
    const server = http.createServer((req, res) => site!.handle(req, res));
    site = new FixtureSite(server, pages);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return site;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A handler that never answers: a hung page. */
  static hang(): (req: http.IncomingMessage, res: http.ServerResponse) => void {
    return () => undefined;
  }

  static redirect(to: () => string): (req: http.IncomingMessage, res: http.ServerResponse) => void {
    return (_req, res) => {
      res.writeHead(302, { location: to() });
      res.end();
    };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    this.hits.push(path);
    const page = this.pages[path];
    if (page === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    if (typeof page === 'function') {
      page(req, res);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page);
  }
}
