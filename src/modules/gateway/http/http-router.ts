import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestPath, sendText } from './http-io';

/** Passes the request on to the next matching layer, or with an error to the error handler. */
export type NextFunction = (error?: unknown) => void;
export type HttpHandler = (req: IncomingMessage, res: ServerResponse, next: NextFunction) => unknown;
export type HttpErrorHandler = (error: unknown, req: IncomingMessage, res: ServerResponse, next: NextFunction) => unknown;

/** The methods a route may be registered for; GET routes answer HEAD too, as browsers and curl -I expect. */
export type RouteMethod = 'GET' | 'HEAD' | 'POST' | 'ALL';

interface Layer {
  /** Absent for middleware: it sees every request. */
  method?: RouteMethod;
  path?: string;
  handle: HttpHandler;
}

/**
 * The gateway's whole HTTP routing: layers in registration order, a route
 * matching its method and exact path (no parameters, no wildcards, case and
 * trailing slash significant), then the not-found handler. What a handler
 * throws or rejects with goes to the error handler, so a request can never
 * surface as an unhandled rejection.
 */
export class HttpRouter {
  private readonly layers: Layer[] = [];
  private notFound: HttpHandler = (_req, res) => sendText(res, 404, 'Not Found');
  private onError: HttpErrorHandler = (_error, _req, res) => sendText(res, 500, 'Internal Server Error');

  use(handle: HttpHandler): void {
    this.layers.push({ handle });
  }

  route(method: RouteMethod, path: string, handle: HttpHandler): void {
    if (!/^\/[^?#:*{}()]*$/.test(path)) {
      throw new Error(
        `route "${path}" is not supported by nestclaw's HTTP adapter: give an exact path starting with "/", without parameters, wildcards or a query`,
      );
    }
    this.layers.push({ method, path, handle });
  }

  setNotFoundHandler(handle: HttpHandler): void {
    this.notFound = handle;
  }

  setErrorHandler(handle: HttpErrorHandler): void {
    this.onError = handle;
  }

  /** The HTTP server's request listener. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = requestPath(req);
    let index = 0;
    const next: NextFunction = (error) => {
      if (error !== undefined) return this.fail(error, req, res);
      while (index < this.layers.length) {
        const layer = this.layers[index++];
        if (matches(layer, req.method, path)) return this.run(() => layer.handle(req, res, next), req, res);
      }
      this.run(
        () => this.notFound(req, res, (notFoundError) => this.fail(notFoundError ?? new Error('not found'), req, res)),
        req,
        res,
      );
    };
    next();
  };

  private run(call: () => unknown, req: IncomingMessage, res: ServerResponse): void {
    try {
      const result = call();
      if (result instanceof Promise) result.catch((error: unknown) => this.fail(error, req, res));
    } catch (error) {
      this.fail(error, req, res);
    }
  }

  private fail(error: unknown, req: IncomingMessage, res: ServerResponse): void {
    const lastResort = () => {
      // The error handler itself failed: answer if still possible, else drop the connection.
      if (!res.headersSent) sendText(res, 500, 'Internal Server Error');
      else res.destroy();
    };
    try {
      const result = this.onError(error, req, res, lastResort);
      if (result instanceof Promise) result.catch(lastResort);
    } catch {
      lastResort();
    }
  }
}

function matches(layer: Layer, method: string | undefined, path: string): boolean {
  if (layer.path === undefined) return true;
  if (layer.path !== path) return false;
  return layer.method === 'ALL' || layer.method === method || (layer.method === 'GET' && method === 'HEAD');
}
