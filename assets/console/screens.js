// 屏幕: every screen by hall and floor, online or not and since when, what it shows, its
// problems in the accent colour, its latest screenshot; 截屏 and 立即刷新 per screen.
import {h, clear, toast, ago, showBroker} from './dom.js';
import * as api from './api.js';

const problemNames = {error: '出错', stale: '内容未更新', refused: '节目单被拒绝'};

function card(s, now) {
  const online = s.state === 'online' && !s.silent;
  const stateText = s.state === 'online' ? (s.silent ? '无响应' : '在线') : s.state === 'offline' ? '离线' : '未知';
  const showing = s.showing
    ? (s.showing.standing ? '待机画面' : `${s.showing.title || s.showing.item}　第 ${s.showing.page}/${s.showing.of} 页`)
    : '—';
  const waiting = s.screenshot_asked > s.screenshot_at;
  const thumb = s.screenshot_at
    ? h('img', {class: 'thumb', src: `/api/screens/${encodeURIComponent(s.id)}/screenshot.png?t=${s.screenshot_at}`,
      alt: `${s.id} 的截屏`, 'data-screen': s.id})
    : h('div', {class: 'thumb empty'}, '还没有截屏');
  return h('article', {class: 'screen card' + (online ? '' : ' offline'), 'data-screen': s.id},
    h('h3', {}, s.id, ' ', h('span', {class: 'badge ' + (online ? 'ok' : 'bad'), 'data-role': 'state'}, stateText)),
    h('p', {class: 'muted'}, `${stateText}，${ago(s.since, now)}起；最后消息 ${ago(s.heard, now)}`),
    h('p', {'data-role': 'showing'}, h('strong', {}, '正在播放：'), showing,
      s.showing && s.showing.interrupt ? h('span', {class: 'badge accent'}, '插播') : null),
    s.notices.length ? h('p', {'data-role': 'notices'}, h('strong', {}, '通知：'), s.notices.map((n) => n.replace(/^通知：/, '')).join('、')) : null,
    s.problems.length ? h('ul', {class: 'problems accent', 'data-role': 'problems'},
      s.problems.map((p) => h('li', {}, `${problemNames[p.kind] || p.kind}：${p.title || p.item} ${p.text}`))) : null,
    thumb,
    h('p', {class: 'muted'}, s.screenshot_at ? `截屏于 ${ago(s.screenshot_at, now)}` : '', waiting ? '（正在截屏…）' : ''),
    h('div', {class: 'actions'},
      h('button', {type: 'button', class: 'big', 'data-action': 'screenshot', onclick: async () => {
        const r = await api.post('/api/screens/screenshot', {id: s.id});
        toast(r.ok ? `已请 ${s.id} 截屏，几秒后显示` : r.data.error, !r.ok);
        refresh();
      }}, '截屏'),
      h('button', {type: 'button', class: 'big', 'data-action': 'refresh', onclick: async () => {
        const r = await api.post('/api/refresh', {scope: `screen/${s.id}`});
        toast(r.ok ? `${s.id} 将立即重新读取内容` : r.data.error, !r.ok);
      }}, '立即刷新')));
}

let root = null;
let timer = 0;

async function refresh() {
  const r = await api.get('/api/screens');
  if (!r.ok || !root) return;
  const {screens, now, broker} = r.data;
  showBroker(broker);
  const focused = document.activeElement;
  const focusKey = focused && focused.closest('[data-screen]')
    ? [focused.closest('[data-screen]').dataset.screen, focused.dataset.action] : null;
  // Hall, then floor.
  const halls = new Map();
  for (const s of screens) {
    const hall = s.hall || '未填写大厅';
    if (!halls.has(hall)) halls.set(hall, new Map());
    const floor = s.floor ? `${s.floor} 楼` : '未分楼层';
    const floors = halls.get(hall);
    if (!floors.has(floor)) floors.set(floor, []);
    floors.get(floor).push(s);
  }
  const online = screens.filter((s) => s.state === 'online' && !s.silent).length;
  clear(root,
    h('p', {class: 'summary'}, `共 ${screens.length} 块屏幕，在线 ${online} 块。`),
    screens.length ? null : h('p', {}, '还没有屏幕连上消息服务器。'),
    [...halls].map(([hall, floors]) => h('section', {class: 'hall'}, h('h2', {}, hall),
      [...floors].map(([floor, list]) => h('section', {class: 'floor'}, h('h3', {class: 'floor-name'}, floor),
        h('div', {class: 'grid'}, list.map((s) => card(s, now))))))));
  if (focusKey) {
    const again = root.querySelector(`[data-screen="${CSS.escape(focusKey[0])}"] [data-action="${focusKey[1]}"]`);
    if (again) again.focus();
  }
}

export default async function screensPage(main) {
  root = h('div', {id: 'screens'});
  main.append(root);
  await refresh();
  clearInterval(timer);
  timer = setInterval(refresh, 3000);
}
