// The console's API: JSON in and out; every state-changing request carries the session's
// CSRF token in a header (the session itself rides in an HttpOnly cookie).
let csrf = '';

function toLogin() {
  location.href = '/login?next=' + encodeURIComponent(location.pathname);
  return new Promise(() => {});  // the page is leaving
}

async function answer(response) {
  if (response.status === 401) return toLogin();
  const data = await response.json().catch(() => ({}));
  return {ok: response.ok, status: response.status, data};
}

export async function me() {
  const r = await answer(await fetch('/api/me'));
  if (r.ok) csrf = r.data.csrf;
  return r;
}

export async function get(path, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '' && v !== undefined)).toString();
  return answer(await fetch(query ? `${path}?${query}` : path));
}

export async function post(path, body = {}) {
  try {
    return await answer(await fetch(path, {
      method: 'POST',
      headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf},
      body: JSON.stringify(body),
    }));
  } catch (e) {
    return {ok: false, status: 0, data: {error: '连不上控制台，请检查网络'}};
  }
}

export async function upload(path, file) {
  const form = new FormData();
  form.append('file', file);
  try {
    return await answer(await fetch(path, {method: 'POST', headers: {'X-CSRF-Token': csrf}, body: form}));
  } catch (e) {
    return {ok: false, status: 0, data: {error: '连不上控制台，请检查网络'}};
  }
}
