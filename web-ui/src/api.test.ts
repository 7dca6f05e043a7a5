import { describe, expect, it, vi, afterEach } from 'vitest';
import { api, ApiError, csrfToken, describeProblem, request, untilDone } from './api';

afterEach(() => {
  vi.unstubAllGlobals();
  document.cookie = 'XSRF-TOKEN=; expires=Thu, 01 Jan 1970 00:00:00 GMT';
});

function respond(status: number, body: unknown, type = 'application/json') {
  return vi.fn().mockImplementation(async () =>
    new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'Content-Type': type } }),
  );
}

describe('api client', () => {
  it('turns problem+json into an ApiError with the detail and field errors', async () => {
    vi.stubGlobal('fetch', respond(422, { title: 'Invalid attack', status: 422, detail: 'epsilon must be between 0 and 1', errors: { epsilon: 'was 3' } }, 'application/problem+json'));
    const error = (await request('/api/attacks', { method: 'POST' }).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(422);
    expect(error.message).toBe('epsilon must be between 0 and 1 — epsilon: was 3');
  });

  it('gives a readable message when an error has no body', async () => {
    vi.stubGlobal('fetch', respond(429, '', 'text/plain'));
    const error = (await request('/api/predictions').catch((e: unknown) => e)) as ApiError;
    expect(error.message).toMatch(/Too many requests/);
  });

  it('sends the CSRF token from the cookie on state-changing calls only', async () => {
    document.cookie = 'XSRF-TOKEN=abc%3D123';
    const fetchMock = respond(202, { id: 'p1', status: 'PENDING' });
    vi.stubGlobal('fetch', fetchMock);
    await api.predict(new File(['x'], 'a.png', { type: 'image/png' }));
    await api.prediction('p1');
    const post = fetchMock.mock.calls[0][1] as RequestInit;
    const get = fetchMock.mock.calls[1][1] as RequestInit;
    expect(new Headers(post.headers).get('X-XSRF-TOKEN')).toBe('abc=123');
    expect(new Headers(get.headers).get('X-XSRF-TOKEN')).toBeNull();
    expect(fetchMock.mock.calls[1][0]).toBe('/api/predictions/p1?wait=PT5S');
  });

  it('reads the token among other cookies', () => {
    expect(csrfToken('a=1; XSRF-TOKEN=t%2Fok; b=2')).toBe('t/ok');
    expect(csrfToken('a=1')).toBeUndefined();
  });

  it('polls until the job is no longer pending', async () => {
    const states = ['PENDING', 'PENDING', 'DONE'];
    const result = await untilDone(async () => ({ status: states.shift() as 'PENDING' | 'DONE' }));
    expect(result.status).toBe('DONE');
    expect(states).toHaveLength(0);
  });

  it('describes a problem without detail by its title', () => {
    expect(describeProblem({ status: 404, title: 'Not Found' })).toBe('Not Found');
  });
});
