import request from 'supertest';
import { createTestApp, TestApp } from '../support/test-app';

describe('HTTP on the gateway port', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it('answers GET /healthz with {"ok":true} and nothing more, without auth', async () => {
    const res = await request(app.httpUrl).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('answers unknown paths with 404', async () => {
    expect((await request(app.httpUrl).get('/nope')).status).toBe(404);
  });
});
