/** JSON over fetch. Errors carry the API's message (the API never sends stack traces). */

const TOKEN_KEY = 'thump.token';

export function token() {
  return localStorage.getItem(TOKEN_KEY) ?? '';
}
export function setToken(t) {
  if (t) localStorage.setItem(TOKEN_KEY, t);
  else localStorage.removeItem(TOKEN_KEY);
}

export async function api(path, { method = 'GET', body, auth = false } = {}) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (auth && token()) headers.authorization = `Bearer ${token()}`;
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let data;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const err = new Error(data?.error ?? `HTTP ${res.status}`);
    err.status = res.status;
    throw err;
  }
  // x-server-time (ms) lets ages tick in the server's clock even when the browser's is off.
  const t = Number(res.headers.get('x-server-time'));
  return { data, serverNow: t > 0 ? t : undefined, headers: res.headers };
}
