import type { FastifyInstance } from 'fastify';

/** Signs in through the admin's login form, as a browser would; returns the session cookie header. */
export async function signInCookie(app: FastifyInstance, username: string, password: string): Promise<string> {
  const loginPage = await app.inject({ method: 'GET', url: '/login' });
  const token = /name="_csrf" value="([^"]+)"/.exec(loginPage.body)?.[1] ?? '';
  const jar = (cookies: { name: string; value: string }[]) => cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const response = await app.inject({
    method: 'POST',
    url: '/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar(loginPage.cookies) },
    payload: new URLSearchParams({ _csrf: token, username, password }).toString(),
  });
  if (response.statusCode !== 303) throw new Error(`bench login failed: ${response.statusCode}`);
  return jar(response.cookies);
}
