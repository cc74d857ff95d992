import { StreamableFile, type NestApplicationOptions } from '@nestjs/common';
import { AbstractHttpAdapter } from '@nestjs/core';
import * as http from 'node:http';
import * as https from 'node:https';
import { requestHostname, sendBytes, sendJson, sendRedirect } from './http-io';
import { HttpErrorHandler, HttpHandler, HttpRouter, RouteMethod } from './http-router';

export type { HttpErrorHandler, HttpHandler, NextFunction, RouteMethod } from './http-router';

type Server = http.Server | https.Server;
type Request = http.IncomingMessage;
type Response = http.ServerResponse;

/** Pinned rather than left to Node's defaults, so the cap on what a peer may send before any handler runs is ours. */
export const MAX_HEADER_BYTES = 16 * 1024;

const unsupported = (what: string) =>
  new Error(`${what} is not supported by nestclaw's HTTP adapter; the gateway serves exact-path GET/HEAD/POST routes only`);

/**
 * Nest's HTTP adapter over node:http / node:https, in place of Express: the
 * gateway serves /healthz, the Control UI and the Telegram webhook, and the
 * rest of its traffic is the WebSocket on the same server. Requests and
 * responses are Node's own objects; the routing is HttpRouter. What Nest can
 * ask for and the gateway never uses (CORS, views, static files, versioning,
 * Nest middleware, body parsers, route parameters) throws a clear error at
 * start-up rather than half-working.
 */
export class GatewayHttpAdapter extends AbstractHttpAdapter<Server, Request, Response> {
  private readonly router: HttpRouter;

  constructor() {
    const router = new HttpRouter();
    super(router);
    this.router = router;
  }

  /** Registers an exact-path route for a module that serves HTTP outside Nest's controllers. */
  route(method: RouteMethod, path: string, handler: HttpHandler): void {
    this.router.route(method, path, handler);
  }

  override use(...args: unknown[]): void {
    const [handler, extra] = args;
    if (typeof handler !== 'function' || extra !== undefined) throw unsupported('middleware on a path');
    this.router.use(handler as HttpHandler);
  }

  override get(path: unknown, handler?: unknown): void {
    this.register('GET', path, handler);
  }

  override head(path: unknown, handler?: unknown): void {
    this.register('HEAD', path, handler);
  }

  override post(path: unknown, handler?: unknown): void {
    this.register('POST', path, handler);
  }

  override all(path: unknown, handler?: unknown): void {
    this.register('ALL', path, handler);
  }

  override put(): void {
    throw unsupported('a PUT route');
  }
  override delete(): void {
    throw unsupported('a DELETE route');
  }
  override patch(): void {
    throw unsupported('a PATCH route');
  }
  override options(): void {
    throw unsupported('an OPTIONS route');
  }
  override search(): void {
    throw unsupported('a SEARCH route');
  }
  override query(): void {
    throw unsupported('a QUERY route');
  }
  override propfind(): void {
    throw unsupported('a WebDAV route');
  }
  override proppatch(): void {
    throw unsupported('a WebDAV route');
  }
  override mkcol(): void {
    throw unsupported('a WebDAV route');
  }
  override copy(): void {
    throw unsupported('a WebDAV route');
  }
  override move(): void {
    throw unsupported('a WebDAV route');
  }
  override lock(): void {
    throw unsupported('a WebDAV route');
  }
  override unlock(): void {
    throw unsupported('a WebDAV route');
  }

  private register(method: RouteMethod, path: unknown, handler: unknown): void {
    if (typeof path !== 'string' || typeof handler !== 'function') throw unsupported('a route without a path');
    this.router.route(method, path, handler as HttpHandler);
  }

  initHttpServer(options: NestApplicationOptions): void {
    const limits = { maxHeaderSize: MAX_HEADER_BYTES };
    this.httpServer = options.httpsOptions
      ? https.createServer({ ...options.httpsOptions, ...limits }, this.router.handle)
      : http.createServer(limits, this.router.handle);
  }

  /** Nest calls it as (port, host, callback); the host may be left out. */
  override listen(port: string | number, ...rest: unknown[]): Server {
    const callback = rest.pop() as () => void;
    const [host] = rest as [string | undefined];
    return this.httpServer.listen(Number(port), host, callback);
  }

  close(): Promise<void> | undefined {
    const server = this.httpServer;
    if (!server) return undefined;
    return new Promise((resolve) => server.close(() => resolve()));
  }

  getType(): string {
    return 'nestclaw-http';
  }

  getRequestHostname(request: Request): string {
    return requestHostname(request);
  }

  getRequestMethod(request: Request): string {
    return request.method ?? '';
  }

  getRequestUrl(request: Request): string {
    return request.url ?? '';
  }

  status(response: Response, statusCode: number): void {
    response.statusCode = statusCode;
  }

  /** What a controller returned, or an exception filter's body: JSON for objects, plain text otherwise. */
  reply(response: Response, body: unknown, statusCode?: number): void {
    const status = statusCode ?? response.statusCode;
    if (body === undefined || body === null) {
      response.statusCode = status;
      response.end();
      return;
    }
    if (body instanceof StreamableFile) throw unsupported('a StreamableFile reply');
    if (body instanceof Error && status >= 400) {
      // Its enumerable fields could carry internals (a client's request config); answer with the status only.
      sendJson(response, status, { statusCode: status, message: http.STATUS_CODES[status] ?? 'Error' });
      return;
    }
    if (typeof body === 'object') sendJson(response, status, body);
    else sendBytes(response, status, String(body), { 'Content-Type': 'text/plain; charset=utf-8' });
  }

  end(response: Response, message?: string): void {
    response.end(message);
  }

  redirect(response: Response, statusCode: number, url: string): void {
    sendRedirect(response, statusCode, url);
  }

  isHeadersSent(response: Response): boolean {
    return response.headersSent;
  }

  getHeader(response: Response, name: string): ReturnType<Response['getHeader']> {
    return response.getHeader(name);
  }

  setHeader(response: Response, name: string, value: string): void {
    response.setHeader(name, value);
  }

  appendHeader(response: Response, name: string, value: string): void {
    response.appendHeader(name, value);
  }

  setNotFoundHandler(handler: HttpHandler): void {
    this.router.setNotFoundHandler(handler);
  }

  setErrorHandler(handler: HttpErrorHandler): void {
    this.router.setErrorHandler(handler);
  }

  /**
   * Nest calls this unless bodyParser is false (src/main.ts sets it): no
   * body is parsed for every route; a route that takes one reads it with
   * readJsonBody and its own limits.
   */
  registerParserMiddleware(): void {
    throw unsupported('a body parser for every route (create the app with bodyParser: false)');
  }

  createMiddlewareFactory(): never {
    throw unsupported('Nest middleware (MiddlewareConsumer)');
  }

  enableCors(): never {
    throw unsupported('CORS');
  }

  applyVersionFilter(): never {
    throw unsupported('route versioning');
  }

  useStaticAssets(): never {
    throw unsupported('static assets');
  }

  setViewEngine(): never {
    throw unsupported('a view engine');
  }

  render(): never {
    throw unsupported('rendering a view');
  }
}
