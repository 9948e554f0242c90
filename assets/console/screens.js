// 屏幕: every screen at a glance, for four screens or hundreds. One request a refresh
// (/api/screens) gives the list already ordered (problems first), the summary line of
// problems, and the halls, floors and groups for the filters. Cards or a compact list;
// search by name or id; filters by hall, floor and state. An admin names screens and groups.
import {h, clear, toast, ago} from './dom.js';
import {showBroker} from './dom.js';
import * as api from './api.js';
import {restartButton, groupRestart} from './restart.js';

const problemNames = {error: '出错', stale: '内容过期', refused: '节目单被拒绝', power: '屏幕电源'};
const stateFilters = [
  ['', '全部状态'], ['problem', '有问题的'], ['online', '在线'], ['disconnected', '已关机（正常关闭）'],
  ['offline', '离线（连接中断）'], ['silent', '无响应'], ['asleep', '休眠（开放时间外）'],
];

let root = null;
let listBox = null;
let summaryBox = null;
let groupBox = null;
let receiptBox = null;    // a restart's receipt: outside the cards, which are redrawn every 3 s
let timer = 0;
let me = {};
let last = null;          // the last answer, re-filtered when a filter changes
let editing = null;       // the screen whose name is being edited: refreshes wait meanwhile
const filters = {q: '', hall: '', floor: '', state: ''};
let view = localStorage.getItem('screens-view') === 'list' ? 'list' : 'cards';

// 11:58 today, else 12月6日 11:58.
function clock(seconds, now) {
  if (!seconds) return '';
  const d = new Date(seconds * 1000);
  const pad = (n) => String(n).padStart(2, '0');
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return new Date(now * 1000).toDateString() === d.toDateString() ? time : `${d.getMonth() + 1}月${d.getDate()}日 ${time}`;
}

function showingText(s) {
  if (!s.showing) return '—';
  if (s.showing.standing) return '待机画面';
  return s.showing.of > 1 ? `${s.showing.title}　第 ${s.showing.page}/${s.showing.of} 页` : s.showing.title;
}

// 正在播放 for a screen that is on; 最后播放 and when for one that is off.
function showingLine(s, now) {
  // A panel asleep while the hall is closed is running: what it last showed is what it plays.
  const live = s.state === 'online' || s.state === 'silent' || s.state === 'asleep' || s.state === 'woken';
  if (s.state === 'asleep') return h('p', {'data-role': 'showing', class: 'muted'}, '开放时间外，屏幕休眠，不显示内容');
  if (live) {
    return h('p', {'data-role': 'showing'}, h('strong', {}, '正在播放：'), showingText(s),
      s.showing && s.showing.interrupt ? h('span', {class: 'badge accent'}, '插播') : null);
  }
  if (!s.showing) return h('p', {'data-role': 'showing', class: 'muted'}, '还没有收到过这块屏幕的播放情况');
  return h('p', {'data-role': 'showing', class: 'muted'}, h('strong', {}, '最后播放：'), showingText(s),
    `（${clock(s.heard, now)}）`);
}

// 温度 61 °C · 磁盘剩余 27%（12 GB） · 版本 0.9.0: only what the screen said (an older screen
// reports no temperature or disk: nothing is shown for them, never a zero).
function healthLine(s) {
  const parts = [];
  const hl = s.health;
  if (hl && hl.temperature_c !== null && hl.temperature_c !== undefined) parts.push(`温度 ${Math.round(hl.temperature_c)} °C`);
  if (hl && hl.disk_free_percent !== null && hl.disk_free_percent !== undefined) {
    parts.push(`磁盘剩余 ${Math.round(hl.disk_free_percent)}%${hl.disk_free ? `（${hl.disk_free}）` : ''}`);
  }
  if (s.version) parts.push(`版本 ${s.version}`);
  if (!parts.length) return null;
  // Each reading whole on its line: a narrow card wraps between them, never inside one.
  return h('p', {class: 'muted health', 'data-role': 'health'},
    parts.map((text, i) => [i ? ' · ' : '', h('span', {}, text)]));
}

function where(s) {
  return [s.hall, s.floor_name].filter(Boolean).join(' · ') || '未填写大厅和楼层';
}

function stateBadge(s, now) {
  const kind = s.state === 'online' || s.state === 'woken' ? 'ok' : s.state === 'disconnected' || s.state === 'asleep' ? 'off' : 'bad';
  return h('span', {class: `badge ${kind}`, 'data-role': 'state', title: s.since ? `${s.state_text}，${clock(s.since, now)} 起` : null},
    s.state_text);
}

function problemList(s) {
  if (!s.problems.length) return null;
  return h('ul', {class: 'problems', 'data-role': 'problems'},
    s.problems.map((p) => h('li', {}, `${problemNames[p.kind] || '问题'}：${p.title ? `「${p.title}」` : ''}${p.text}`)));
}

async function askScreenshot(s) {
  const r = await api.post('/api/screens/screenshot', {id: s.id});
  toast(r.ok ? `已请「${s.name}」截屏，一般几秒内显示；30 秒没回来会在这里说明` : r.data.error, !r.ok);
  refresh();
}

async function askRefresh(s) {
  const r = await api.post('/api/refresh', {scope: `screen/${s.id}`});
  toast(r.ok ? `「${s.name}」将立即重新读取内容` : r.data.error, !r.ok);
}

async function saveName(kind, id, name) {
  const r = await api.post('/api/names', {kind, id, name});
  toast(r.ok ? r.data.message : r.data.error, !r.ok);
  return r.ok;
}

// 改名 is an admin's; on a card it sits in the title line (a row of its own under three
// buttons would push the first row of cards past a 1366×768 screen).
function renameButton(s) {
  return me.role === 'admin' ? h('button', {type: 'button', class: 'link', 'data-action': 'rename', onclick: () => {
    editing = s.id;
    render();
    const input = root.querySelector(`[data-screen="${CSS.escape(s.id)}"] input[name="name"]`);
    if (input) input.focus();
  }}, '改名') : null;
}

function actions(s, withRename = true) {
  const off = !s.can_act;
  return h('div', {class: 'actions'},
    h('button', {type: 'button', 'data-action': 'screenshot', disabled: off, title: off ? s.why_not : null,
      onclick: () => askScreenshot(s)}, '截屏'),
    h('button', {type: 'button', 'data-action': 'refresh', disabled: off, title: off ? s.why_not : null,
      onclick: () => askRefresh(s)}, '立即刷新'),
    restartButton(s, me, receiptBox, () => refresh()),
    withRename ? renameButton(s) : null,
    off ? h('p', {class: 'why-not muted', 'data-role': 'why-not'}, s.why_not) : null);
}

function renameForm(s) {
  const input = h('input', {name: 'name', value: s.named ? s.name : '', maxlength: 30, placeholder: '如：1楼东侧屏',
    'aria-label': `${s.id} 的名称`});
  return h('form', {class: 'rename', 'data-role': 'rename', onsubmit: async (e) => {
    e.preventDefault();
    if (await saveName('screen', s.id, input.value)) {
      editing = null;
      refresh();
    }
  }}, input, h('button', {type: 'submit', class: 'primary'}, '保存'),
  h('button', {type: 'button', onclick: () => { editing = null; render(); }}, '取消'),
  h('span', {class: 'muted'}, '留空则清除名称'));
}

function title(s, now) {
  return h('h3', {}, h('span', {class: 'name'}, s.name),
    s.named ? h('small', {class: 'screen-id'}, s.id) : null, ' ', stateBadge(s, now), renameButton(s));
}

function thumb(s, now) {
  const img = s.screenshot_at
    ? h('img', {class: 'thumb' + (s.screenshot === 'old' ? ' old' : ''), loading: 'lazy',
      src: `/api/screens/${encodeURIComponent(s.id)}/screenshot.png?t=${s.screenshot_at}`,
      alt: `${s.name} 的截屏`, 'data-screen': s.id})
    : h('div', {class: 'thumb empty'}, '还没有截屏');
  const late = s.screenshot === 'late' || s.screenshot === 'old';
  return [img, h('p', {class: late ? 'shot-note accent' : 'shot-note muted', 'data-role': 'screenshot'},
    s.screenshot_at ? `截屏于 ${ago(s.screenshot_at, now)}` : '', s.screenshot_text ? `　${s.screenshot_text}` : '')];
}

function card(s, now) {
  const cls = 'screen card' + (s.problem ? ' problem' : '') + (s.state === 'disconnected' ? ' off' : '');
  return h('article', {class: cls, 'data-screen': s.id, 'data-state': s.state},
    title(s, now),
    h('p', {class: 'muted where'}, where(s)),
    healthLine(s),
    editing === s.id ? renameForm(s) : null,
    showingLine(s, now),
    s.notices.length ? h('p', {'data-role': 'notices'}, h('strong', {}, '通知：'), s.notices.map((n) => n.replace(/^通知：/, '')).join('、')) : null,
    problemList(s),
    thumb(s, now),
    actions(s, false));
}

function row(s, now) {
  return h('tr', {class: s.problem ? 'problem' : '', 'data-screen': s.id, 'data-state': s.state},
    h('td', {}, h('span', {class: 'name'}, s.name), s.named ? h('small', {class: 'screen-id'}, s.id) : null,
      editing === s.id ? renameForm(s) : null),
    h('td', {class: 'nowrap'}, stateBadge(s, now)),
    h('td', {class: 'nowrap'}, where(s), healthLine(s)),
    h('td', {}, showingLine(s, now)),
    h('td', {}, problemList(s), s.screenshot_text ? h('p', {class: 'accent', 'data-role': 'screenshot'}, s.screenshot_text) : null),
    h('td', {}, actions(s)));
}

function matches(s) {
  const q = filters.q.trim().toLowerCase();
  if (q && !s.name.toLowerCase().includes(q) && !s.id.toLowerCase().includes(q)) return false;
  if (filters.hall && s.hall !== filters.hall) return false;
  if (filters.floor && s.floor !== filters.floor) return false;
  if (filters.state === 'problem') return s.problem;
  if (filters.state && s.state !== filters.state) return false;
  return true;
}

function select(name, label, options) {
  const el = h('select', {name, 'aria-label': label, onchange: () => { filters[name] = el.value; render(); }},
    options.map(([value, text]) => h('option', {value, selected: filters[name] === value}, text)));
  return el;
}

function toolbar() {
  const halls = (last && last.halls) || [];
  const floors = (last && last.floors) || [];
  const search = h('input', {type: 'search', name: 'q', value: filters.q, placeholder: '按名称或编号查找',
    'aria-label': '按名称或编号查找', oninput: () => { filters.q = search.value; render(); }});
  const toggle = (which, text) => h('button', {type: 'button', 'data-view': which, 'aria-pressed': view === which ? 'true' : 'false',
    onclick: () => { view = which; localStorage.setItem('screens-view', which); root.querySelector('.toolbar').replaceWith(toolbar()); render(); }}, text);
  return h('div', {class: 'toolbar'}, search,
    select('hall', '大厅', [['', '全部大厅'], ...halls.map((x) => [x, x])]),
    select('floor', '楼层', [['', '全部楼层'], ...floors.map((f) => [f.floor, f.name])]),
    select('state', '状态', stateFilters),
    h('span', {class: 'view-toggle'}, toggle('cards', '卡片'), toggle('list', '列表')));
}

function groupEditor() {
  if (me.role !== 'admin' || !last || !last.groups.length) return null;
  return h('details', {class: 'groups-editor'}, h('summary', {}, '分组名称（管理员）'),
    h('p', {class: 'muted'}, '给分组起一个大家都认得的名字，如「一楼大厅」；发布通知和节目单时按这个名字选。'),
    last.groups.map((g) => {
      const input = h('input', {name: 'group-name', value: g.named ? g.name : '', maxlength: 30, placeholder: g.name,
        'aria-label': `分组 ${g.id} 的名称`});
      return h('form', {class: 'row', 'data-group': g.id, onsubmit: async (e) => {
        e.preventDefault();
        if (await saveName('group', g.id, input.value)) refresh(true);
      }}, h('span', {class: 'group-id'}, g.id), input, h('button', {type: 'submit'}, '保存'));
    }));
}

function render() {
  if (!last || !listBox) return;
  const {screens, now, summary} = last;
  const shown = screens.filter(matches);
  clear(summaryBox, h('p', {class: 'summary' + (summary.problems ? ' bad' : ''), 'data-role': 'summary'}, summary.text),
    shown.length !== screens.length ? h('p', {class: 'muted'}, `按条件显示 ${shown.length} 块`) : null);
  if (!screens.length) return clear(listBox, h('p', {}, '还没有屏幕连上消息服务器。'));
  if (!shown.length) return clear(listBox, h('p', {}, '没有符合条件的屏幕。'));
  if (view === 'list') {
    clear(listBox, h('table', {class: 'screen-list'},
      h('thead', {}, h('tr', {}, ['屏幕', '状态', '位置', '播放', '问题', '操作'].map((t) => h('th', {}, t)))),
      h('tbody', {}, shown.map((s) => row(s, now)))));
  } else {
    clear(listBox, h('div', {class: 'grid'}, shown.map((s) => card(s, now))));
  }
}

async function refresh(groupsToo = false) {
  if (editing) return;  // a name being typed is not wiped by the next refresh
  const r = await api.get('/api/screens', {}, {background: true});
  if (!r.ok || !root) return;
  showBroker(r.data.broker);
  const first = !last;
  last = r.data;
  const focused = document.activeElement;
  const focusKey = focused && focused.closest('[data-screen]')
    ? [focused.closest('[data-screen]').dataset.screen, focused.dataset.action] : null;
  if (first || groupsToo) {
    root.querySelector('.toolbar').replaceWith(toolbar());
    const editor = groupEditor();
    clear(groupBox, groupRestart(last.groups || [], last.screens || [], me, receiptBox, () => refresh()), editor);
  }
  render();
  if (focusKey) {
    const again = root.querySelector(`[data-screen="${CSS.escape(focusKey[0])}"] [data-action="${focusKey[1]}"]`);
    if (again) again.focus();
  }
}

export default async function screensPage(main, who) {
  me = who || {};
  last = null;
  editing = null;
  summaryBox = h('div', {class: 'summary-box'});
  listBox = h('div', {class: 'screen-box'});
  groupBox = h('div', {});
  receiptBox = h('div', {class: 'receipt-box', 'data-role': 'restart-receipt'});
  root = h('div', {id: 'screens'}, summaryBox, receiptBox, h('div', {class: 'toolbar'}), listBox, groupBox);
  main.append(root);
  await refresh();
  clearInterval(timer);
  timer = setInterval(refresh, 3000);
}
