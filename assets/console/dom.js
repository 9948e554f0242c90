// Building the page without innerHTML: every value a screen, a portal page or a clerk
// supplied goes in as text, so `<script>` in a title shows as those characters.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'value') el.value = value;
    else if (key === 'checked') el.checked = !!value;
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let toastTimer = 0;
export function toast(message, bad = false) {
  const box = document.getElementById('toast');
  box.textContent = message;
  box.className = bad ? 'show bad' : 'show';
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.className = ''; }, 6000);
}

// 2026-12-03T17:30:00 -> 12月3日 17:30
export function shortTime(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})/.exec(iso || '');
  return m ? `${+m[2]}月${+m[3]}日 ${m[4]}:${m[5]}` : (iso || '');
}

// Seconds since the epoch -> how long ago, in words.
export function ago(seconds, now) {
  if (!seconds) return '从未';
  const d = Math.max(0, now - seconds);
  if (d < 60) return '刚刚';
  if (d < 3600) return `${Math.floor(d / 60)} 分钟前`;
  if (d < 86400) return `${Math.floor(d / 3600)} 小时前`;
  return `${Math.floor(d / 86400)} 天前`;
}

export const roleNames = {editor: '编辑', approver: '审核', admin: '管理员'};

// The banner while the console cannot reach the broker (it reconnects by itself).
export function showBroker(connected) {
  const banner = document.getElementById('broker');
  banner.hidden = connected;
  banner.textContent = '控制台现在连不上消息服务器（broker），正在自动重连。屏幕的状态可能不是最新的；这时发布的通知和节目单会先记下，连上后自动发到屏幕。';
}
