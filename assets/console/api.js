// The console's API: JSON in and out; every state-changing request carries the session's
// CSRF token in a header (the session itself rides in an HttpOnly cookie).
let csrf = '';

// A request answered 401: the session ended (idle too long, the day's limit, or signed out
// elsewhere). The page says so, then goes to the login, which brings the clerk back here;
// what was being typed is kept as a draft on this computer (drafts.js).
let leaving = false;
function toLogin() {
  const next = '/login?expired=1&next=' + encodeURIComponent(location.pathname);
  if (!leaving) {
    leaving = true;
    const go = () => { location.href = next; };
    const bar = document.createElement('div');
    bar.className = 'session-ended';
    bar.setAttribute('role', 'alert');
    bar.id = 'session-ended';
    const words = document.createElement('span');
    words.textContent = '登录已过期，请重新登录。正在填写的内容已保存在这台电脑上，登录后可以恢复。';
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = '重新登录';
    button.addEventListener('click', go);
    bar.append(words, button);
    document.body.append(bar);
    setTimeout(go, 4000);
  }
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

// background: the page's own periodic refresh, which does not keep the session alive.
export async function get(path, params = {}, {background = false} = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '' && v !== undefined)).toString();
  return answer(await fetch(query ? `${path}?${query}` : path, background ? {headers: {'X-Kiosk-Background': '1'}} : {}));
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
