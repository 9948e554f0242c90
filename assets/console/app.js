// The frame of every page: who is logged in, the navigation, and the page the path names.
import {h, clear, roleNames, showBroker} from './dom.js';
import * as api from './api.js';
import screens from './screens.js';
import playlist from './playlist.js';
import notices from './notices.js';
import approvals from './approvals.js';
import audit from './audit.js';
import plays from './plays.js';
import users from './users.js';
import alerts from './alerts.js';
import hours from './hours.js';
import warnings from './warnings.js';

const pages = [
  ['/screens', '屏幕', screens],
  ['/playlist', '节目单', playlist],
  ['/notices', '紧急通知', notices],
  ['/hours', '开放时间', hours],
  ['/approvals', '审核', approvals],
  ['/audit', '操作日志', audit],
  ['/plays', '播放记录', plays],
  ['/warnings', '预警', warnings],
  ['/alerts', '告警', alerts],
  ['/users', '用户', users, 'admin'],
];

// The 审核 link's badge: how many changes wait, and 紧急 notices to review, for approvers;
// the 预警 link's: official warnings waiting for approval. Again every 20 s (a background
// request: it does not keep the session alive) and whenever the page says it decided
// something (the 'kiosk:waiting' event).
function showWaiting(w) {
  const badge = document.getElementById('waiting-count');
  if (!badge || !w) return;
  const total = (w.changes || 0) + (w.urgent || 0);
  badge.hidden = total === 0;
  badge.textContent = String(total);
  const words = [w.changes ? `${w.changes} 项修改等待审核` : '', w.urgent ? `${w.urgent} 条紧急通知待复核` : ''].filter((x) => x).join('，');
  badge.title = words;
  badge.setAttribute('aria-label', words);
  const warned = document.getElementById('warning-count');
  if (warned) {
    warned.hidden = !w.warnings;
    warned.textContent = String(w.warnings || 0);
    warned.title = w.warnings ? `${w.warnings} 条预警等待审核` : '';
    warned.setAttribute('aria-label', warned.title);
  }
}

function watchWaiting(first) {
  showWaiting(first);
  const again = async () => {
    const r = await api.get('/api/approvals/waiting', {}, {background: true});
    if (r.ok) showWaiting(r.data);
  };
  setInterval(again, 20000);
  document.addEventListener('kiosk:waiting', again);
}

async function start() {
  const r = await api.me();
  if (!r.ok) return;
  const me = r.data;
  const nav = document.getElementById('nav');
  for (const [path, label, , role] of pages) {
    if (role && me.role !== role) continue;
    nav.append(h('a', {href: path, 'aria-current': location.pathname === path ? 'page' : null}, label,
      path === '/approvals' && me.role !== 'editor' ? h('span', {class: 'count', id: 'waiting-count', hidden: true}) : null,
      path === '/warnings' && me.role !== 'editor' ? h('span', {class: 'count', id: 'warning-count', hidden: true}) : null));
  }
  if (me.role !== 'editor') watchWaiting(me.waiting);
  clear(document.getElementById('who'), `${me.name}（${roleNames[me.role] || me.role}）`,
    h('button', {type: 'button', class: 'link', onclick: async () => {
      await api.post('/api/logout');
      location.href = '/login';
    }}, '退出'));
  showBroker(me.broker);
  const page = pages.find(([path]) => path === location.pathname);
  const main = document.getElementById('main');
  if (!page || (page[3] && me.role !== page[3])) {
    clear(main, h('p', {}, '没有这个页面，或者没有权限查看。'));
    return;
  }
  document.title = `${page[1]} · 大厅屏幕控制台`;
  clear(main, h('h1', {}, page[1]));
  await page[2](main, me);
}

start();
