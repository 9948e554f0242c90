// 节目单: a scope's playlist as a form. Items in order (上移/下移), each from a portal
// address (读取 shows what the kiosk's extraction finds), an uploaded .txt/.html file or
// typed text; seconds per page or 自动; weekdays, hours and dates; on or off. 检查 and 发布
// go through the kiosk's own checker on the console, and its messages appear beside the
// field they concern; 预览 renders the item with the kiosk's own engine at each screen size.
import {h, clear, toast, shortTime} from './dom.js';
import * as api from './api.js';
import {draftKey, saveDraft, readDraft, dropDraft, offerDraft} from './drafts.js';
import {receiptView, followReceipts, stopFollowing} from './receipts.js';
import {compareKeys, compareFrom, compareInto, compareName, compareFields, readAddress} from './compare_item.js';

const days = [['mon', '一'], ['tue', '二'], ['wed', '三'], ['thu', '四'], ['fri', '五'], ['sat', '六'], ['sun', '日']];
const kinds = [['auto', '自动判断'], ['report', '报告'], ['regulation', '法规'], ['text', '文字'], ['compare', '新旧对照']];

let state = null;  // {scope, items: [...], me, base: the version loaded, as JSON text}

// A time range as the checker reads it (config::read_time_range): 8:30-12:00,
// ０８：３０－１２：００ and 8:30 至 12:00 become 08:30-12:00; anything else stays as typed, for
// the checker to explain.
export function normalRange(typed) {
  const s = typed.replace(/[\s\u3000]/g, '')
    .replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFF10 + 48))
    .replace(/[\uFF1A\uFE55]/g, ':')
    .replace(/[-\uFF0D\u2010-\u2015\u2212~\uFF5E\u301C至到]+/g, '-');
  const m = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(s);
  if (!m) return typed.trim();
  const [h1, m1, h2, m2] = m.slice(1).map(Number);
  if (h1 > 24 || h2 > 24 || m1 > 59 || m2 > 59 || (h1 === 24 && m1) || (h2 === 24 && m2)) return typed.trim();
  const two = (n) => String(n).padStart(2, '0');
  return `${two(h1)}:${m[2]}-${two(h2)}:${m[4]}`;
}

function newId() {
  return 'item-' + Date.now().toString(36) + Math.floor(Math.random() * 1296).toString(36);
}

// The form's model from a playlist item, and back.
function fromItem(item) {
  const s = item.schedule || {};
  return {
    id: item.id || newId(),
    title: item.title || '',
    kind: item.kind || 'auto',
    mode: item.text !== undefined ? 'text' : 'source',
    source: item.source || '',
    text: item.text || '',
    auto: item.page_seconds === undefined || item.page_seconds === 'auto',
    seconds: typeof item.page_seconds === 'number' ? item.page_seconds : 20,
    weekdays: s.weekdays ? [...s.weekdays] : days.map(([d]) => d),
    hours: s.hours ? [...s.hours] : [],
    from: s.from || '',
    until: s.until || '',
    enabled: item.enabled !== false,
    ...compareFrom(item),
    extra: Object.fromEntries(Object.entries(item).filter(([k]) =>
      !['id', 'title', 'kind', 'source', 'text', 'page_seconds', 'schedule', 'enabled', ...compareKeys].includes(k))),
  };
}

function toItem(m) {
  const item = {id: m.id, ...m.extra};
  if (m.title.trim()) item.title = m.title.trim();
  if (m.kind === 'compare') compareInto(item, m);  // its own fields; 文字 and 网址 are not sent
  else if (m.kind !== 'auto') item.kind = m.kind;
  if (m.kind !== 'compare') {
    if (m.mode === 'text') item.text = m.text.trim(); else item.source = m.source.trim();
  }
  item.page_seconds = m.auto ? 'auto' : Number(m.seconds);
  const schedule = {};
  if (m.weekdays.length !== 7) schedule.weekdays = days.map(([d]) => d).filter((d) => m.weekdays.includes(d));
  const hours = m.hours.map(normalRange).filter((x) => x);
  if (hours.length) schedule.hours = hours;
  if (m.from) schedule.from = m.from;
  if (m.until) schedule.until = m.until;
  if (Object.keys(schedule).length) item.schedule = schedule;
  item.enabled = m.enabled;
  return item;
}

function playlistJson() {
  return {version: 1, items: state.items.map(toItem)};
}

function slot(i, field) {
  return h('p', {class: 'field-error', 'data-item': i, 'data-field': field, role: 'alert'});
}

function showErrors(errors) {
  for (const el of document.querySelectorAll('.field-error')) el.textContent = '';
  for (const el of document.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const known = new Set(['title', 'kind', 'source', 'text', ...compareKeys, 'page_seconds', 'schedule.weekdays', 'schedule.hours',
    'schedule.from', 'schedule.until', 'enabled']);
  let first = null;
  for (const e of errors) {
    const field = known.has(e.field) ? e.field : '';
    const target = e.item < 0
      ? document.getElementById('playlist-errors')
      : document.querySelector(`.field-error[data-item="${e.item}"][data-field="${field}"]`);
    if (!target) continue;
    target.textContent += (target.textContent ? '\n' : '') + e.message;
    const input = e.item >= 0 && document.querySelector(
      `[data-item="${e.item}"][data-input="${field}"]${e.index >= 0 ? `[data-index="${e.index}"]` : ''}`);
    if (input) input.setAttribute('aria-invalid', 'true');
    first = first || target;
  }
  if (first) first.scrollIntoView({block: 'center'});
}

function itemForm(m, i) {
  const n = state.items.length;
  const set = (key) => (event) => { m[key] = event.target.type === 'checkbox' ? event.target.checked : event.target.value; };
  const rerender = () => render();
  const extractBox = h('div', {class: 'extract', 'aria-live': 'polite'});
  const previewBox = h('div', {class: 'preview'});
  const fillTitle = (title) => {
    if (m.title || !title) return;
    m.title = title;
    document.getElementById(`title-${i}`).value = title;
    clear(legend, ...legendText());
  };
  const compare = m.kind === 'compare';
  // The box's legend follows 标题 as it is typed or filled by 读取 (not only when redrawn).
  const legendText = () => [`第 ${i + 1} 项`, compare ? `　${compareName(m)}` : m.title ? `：${m.title}` : ''];
  const legend = h('legend', {}, ...legendText());
  const content = compare ? compareFields(m, i, {slot: (field) => slot(i, field), rerender, fillTitle})
    : m.mode === 'source'
    ? [h('label', {for: `source-${i}`}, '网址'),
      h('div', {class: 'row'},
        h('input', {id: `source-${i}`, type: 'url', value: m.source, 'data-item': i, 'data-input': 'source',
          placeholder: 'https://www.changchun.gov.cn/…', oninput: set('source')}),
        h('button', {type: 'button', onclick: () => readAddress(m.source, extractBox, fillTitle)}, '读取')),
      slot(i, 'source')]
    : [h('label', {for: `text-${i}`}, '文字（一行一段；标题填在上面的“标题”里，显示在第一页顶部）'),
      h('textarea', {id: `text-${i}`, rows: 6, 'data-item': i, 'data-input': 'text', oninput: set('text')}, m.text),
      h('label', {}, '或者上传文件（.txt 或 .html，最多 2 MB）',
        h('input', {type: 'file', accept: '.txt,.html,.htm', onchange: async (event) => {
          const file = event.target.files[0];
          if (!file) return;
          const r = await api.upload('/api/upload', file);
          if (!r.ok) return toast(r.data.error, true);
          // The file's title goes to 标题 (its first line is not repeated in the text).
          m.text = r.data.text;
          if (!m.title) m.title = r.data.title;
          if (r.data.chars > r.data.limit) toast(`文字有 ${r.data.chars} 字，超过 ${r.data.limit} 字的上限；长文请用网址`, true);
          render();
        }})),
      slot(i, 'text')];
  return h('fieldset', {class: 'item card' + (m.enabled ? '' : ' disabled'), 'data-index': i},
    legend,
    h('div', {class: 'actions'},
      h('button', {type: 'button', disabled: i === 0, onclick: () => { state.items.splice(i - 1, 0, ...state.items.splice(i, 1)); rerender(); }}, '上移'),
      h('button', {type: 'button', disabled: i === n - 1, onclick: () => { state.items.splice(i + 1, 0, ...state.items.splice(i, 1)); rerender(); }}, '下移'),
      h('button', {type: 'button', class: 'danger', onclick: () => { state.items.splice(i, 1); rerender(); }}, '删除'),
      h('button', {type: 'button', onclick: () => preview(m, previewBox)}, '预览')),
    slot(i, ''),
    h('label', {for: `title-${i}`}, '标题'),
    h('input', {id: `title-${i}`, value: m.title, 'data-item': i, 'data-input': 'title', oninput: (e) => { m.title = e.target.value; clear(legend, ...legendText()); }}),
    slot(i, 'title'),
    h('div', {class: 'row'},
      // A 新旧对照 item has its own sources (compare_item.js): no 网站上的文章 / 输入文字 choice.
      compare ? null : [
        h('label', {}, h('input', {type: 'radio', name: `mode-${i}`, checked: m.mode === 'source', onchange: () => { m.mode = 'source'; rerender(); }}), '网站上的文章'),
        h('label', {}, h('input', {type: 'radio', name: `mode-${i}`, checked: m.mode === 'text', onchange: () => { m.mode = 'text'; rerender(); }}), '输入文字或上传文件')],
      h('label', {}, '类型 ', h('select', {'data-item': i, 'data-input': 'kind', onchange: (e) => {
        // The fields that change with the kind are drawn again; what was typed is kept.
        const redraw = (e.target.value === 'compare') !== compare;
        m.kind = e.target.value;
        if (redraw) rerender();
      }}, kinds.map(([k, label]) => h('option', {value: k, selected: m.kind === k}, label))))),
    slot(i, 'kind'),
    content, compare ? null : extractBox,
    h('div', {class: 'row'},
      h('label', {}, '每页显示 ', h('input', {type: 'number', min: 1, max: 3600, class: 'short', value: m.seconds, disabled: m.auto,
        'data-item': i, 'data-input': 'page_seconds', oninput: set('seconds')}), ' 秒'),
      h('label', {}, h('input', {type: 'checkbox', checked: m.auto, onchange: (e) => { m.auto = e.target.checked; rerender(); }}), '自动（按字数）')),
    slot(i, 'page_seconds'),
    h('div', {class: 'row', role: 'group', 'aria-label': '星期'}, h('span', {}, '星期：'),
      days.map(([d, label]) => h('label', {class: 'day'}, h('input', {type: 'checkbox', checked: m.weekdays.includes(d),
        'data-item': i, 'data-input': 'schedule.weekdays', onchange: (e) => {
          m.weekdays = e.target.checked ? [...m.weekdays, d] : m.weekdays.filter((x) => x !== d);
        }}), label))),
    slot(i, 'schedule.weekdays'),
    h('div', {class: 'hours'}, h('span', {}, '时段（不填则全天，如 08:30-12:00）：'),
      m.hours.map((range, k) => h('span', {class: 'range'},
        h('input', {value: range, class: 'short', 'aria-label': `时段 ${k + 1}`, placeholder: '08:30-12:00',
          'data-item': i, 'data-input': 'schedule.hours', 'data-index': k, oninput: (e) => { m.hours[k] = e.target.value; },
          onchange: (e) => { m.hours[k] = e.target.value = normalRange(e.target.value); }}),
        h('button', {type: 'button', 'aria-label': `删除时段 ${k + 1}`, onclick: () => { m.hours.splice(k, 1); rerender(); }}, '×'))),
      h('button', {type: 'button', onclick: () => { m.hours.push(''); rerender(); }}, '添加时段')),
    slot(i, 'schedule.hours'),
    h('div', {class: 'row'},
      h('label', {}, '开始日期 ', h('input', {type: 'date', value: m.from, 'data-item': i, 'data-input': 'schedule.from', onchange: set('from')})),
      h('label', {}, '结束日期 ', h('input', {type: 'date', value: m.until, 'data-item': i, 'data-input': 'schedule.until', onchange: set('until')})),
      h('label', {}, h('input', {type: 'checkbox', checked: m.enabled, 'data-item': i, 'data-input': 'enabled', onchange: set('enabled')}), '播放')),
    slot(i, 'schedule.from'), slot(i, 'schedule.until'), slot(i, 'enabled'),
    previewBox);
}

async function preview(m, box) {
  clear(box, h('p', {}, '正在生成预览（用屏幕自己的排版）…'));
  const r = await api.post('/api/preview', {item: toItem(m), scope: state.scope});
  if (!r.ok) return clear(box, h('p', {class: 'error'}, r.data.error));
  clear(box, r.data.sizes.map((s, k) => h('figure', {class: 'preview-size'},
    h('figcaption', {}, `${s.width}×${s.height}：共 ${s.total || s.pages} 页`,
      (s.total || s.pages) > s.pages ? `，这里显示前 ${s.pages} 页` : ''),
    h('div', {class: 'pages'}, Array.from({length: s.pages}, (_, p) =>
      h('img', {src: `/api/preview/${r.data.token}/${k}/${p}.png`, alt: `第 ${p + 1} 页`, class: s.width > s.height ? 'wide' : 'tall'}))))));
}

// The draft of this scope's playlist (drafts.js): saved whenever the form differs from the
// version the page loaded, so a session that ends mid-edit loses nothing; dropped once sent,
// or by 丢弃.
function keepDraft() {
  if (!state || state.base === undefined) return;
  const now = JSON.stringify(playlistJson());
  if (now !== state.base) saveDraft(draftKey(state.me, 'playlist', state.scope), {scope: state.scope, playlist: JSON.parse(now)});
}

function offerPlaylistDraft() {
  const key = draftKey(state.me, 'playlist', state.scope);
  const d = readDraft(key);
  const box = document.getElementById('playlist-draft');
  if (d && JSON.stringify(d.value.playlist) === state.base) {
    dropDraft(key);
    return clear(box);
  }
  offerDraft(box, key, {
    describe: (v) => `${(v.playlist.items || []).length} 项（${(v.playlist.items || []).map((i) => i.title || '未命名').slice(0, 4).join('、')}）`,
    restore: (v) => {
      state.items = (v.playlist.items || []).map(fromItem);
      render();
    },
  });
}

// How many changes of this scope wait, the editor's own said apart (it has its own line).
function waitingWords(count, change) {
  const others = count - (change && change.state === 'pending' ? 1 : 0);
  if (others <= 0) return '';
  return h('strong', {class: 'accent'}, change && change.state === 'pending' ? ` 另有 ${others} 项别人的修改等待审核。` : ` 有 ${others} 项修改等待审核。`);
}

// Where the editor's own latest change of this playlist stands, above the form.
function showMine(mine) {
  const box = document.getElementById('playlist-change');
  if (!mine) return clear(box);
  const by = mine.decided_by ? `（${mine.decided_by}，${shortTime(mine.decided)}）` : '';
  const words = {
    pending: [h('strong', {}, '等待审核'), `：你在 ${shortTime(mine.created)} 提交的修改还没有审核。下面是你提交的版本，可以继续修改，再次提交审核会代替上一次提交。`],
    rejected: [h('strong', {}, mine.state_text), by, '。下面是你提交的版本，请修改后再次提交审核。'],
    approved: [h('strong', {}, '已批准'), by, '：你提交的修改已经发布，下面就是发布的版本。'],
  }[mine.state];
  clear(box, words ? h('div', {class: `change-state ${mine.state}`, 'data-state': mine.state}, h('p', {}, words)) : null);
}

function render() {
  keepDraft();
  const root = document.getElementById('playlist-form');
  root.dataset.scope = state.scope;  // whose playlist the form shows (a test waits for it)
  const approval = state.me.require_approval && state.me.role === 'editor';
  clear(root,
    h('p', {id: 'playlist-errors', class: 'field-error', role: 'alert'}),
    state.items.length ? state.items.map(itemForm) : h('p', {}, '这个节目单还是空的。'),
    h('div', {class: 'actions sticky'},
      h('button', {type: 'button', class: 'big', onclick: () => { state.items.push(fromItem({})); render(); }}, '添加一项'),
      h('button', {type: 'button', class: 'big', onclick: check}, '检查'),
      h('button', {type: 'button', class: 'big primary', id: 'publish', onclick: publish}, approval ? '提交审核' : '发布')));
}

async function check() {
  const r = await api.post('/api/playlist/check', {playlist: playlistJson()});
  if (!r.ok) return toast(r.data.error, true);
  showErrors(r.data.errors);
  toast(r.data.errors.length ? `有 ${r.data.errors.length} 处要修改` : '检查通过，屏幕会接受这个节目单', r.data.errors.length > 0);
}

// What each screen of the scope plays now (from its last status), whose playlist that is,
// and the receipt of the version published.
function screensNow(data) {
  const list = data.screens || [];
  return h('section', {id: 'playlist-now'},
    h('h2', {}, '这些屏幕现在播放'),
    list.length === 0 ? h('p', {class: 'muted'}, '这个范围现在没有屏幕报告过状态。') : h('ul', {class: 'playing'}, list.map((sc) =>
      h('li', {'data-screen': sc.name},
        h('strong', {}, sc.name), '：',
        sc.online ? `${sc.playing || '（还没有报告）'}${sc.page ? `，${sc.page}` : ''}` : `离线${sc.since ? `（自 ${sc.since} 起）` : ''}，最后报告的是${sc.playing || '（没有）'}`,
        sc.source ? h('span', {class: 'muted'}, `（${sc.source}）`) : ''))),
    !data.published && list.some((sc) => sc.local)
      ? h('p', {class: 'accent', id: 'playlist-local'}, '这个范围还没有发布过节目单：上面标着“本地节目单”的屏幕播放的是它们自己的节目单。第一次发布会替换它。')
      : null);
}

// The first 发布 to a scope replaces what its screens play: said, and confirmed, first.
function confirmFirstPublish() {
  if (state.published) return Promise.resolve(true);
  const local = (state.screens || []).filter((sc) => sc.local).map((sc) => sc.name);
  const box = document.getElementById('playlist-confirm');
  return new Promise((resolve) => {
    const done = (yes) => { clear(box); box.hidden = true; resolve(yes); };
    box.hidden = false;
    clear(box,
      h('p', {}, h('strong', {}, '这是这个范围第一次发布节目单。')),
      h('p', {}, local.length
        ? `${local.join('、')} 现在播放它们自己的本地节目单；发布后改为播放这个节目单，本地节目单不再播放。`
        : '发布后，这些屏幕改为播放这个节目单。'),
      h('div', {class: 'actions'},
        h('button', {type: 'button', class: 'big primary', id: 'confirm-publish', onclick: () => done(true)}, '确认发布，替换现在的节目单'),
        h('button', {type: 'button', class: 'big', onclick: () => done(false)}, '取消')));
    box.scrollIntoView({block: 'center'});
  });
}

async function publish() {
  if (!state.published) {
    // Mistakes first (as 发布 would say them), then the question.
    const c = await api.post('/api/playlist/check', {playlist: playlistJson()});
    if (c.ok && c.data.errors.length) {
      showErrors(c.data.errors);
      return toast('节目单有错误，没有发布；请按提示修改', true);
    }
    if (!(await confirmFirstPublish())) return;
  }
  const r = await api.post('/api/playlist', {scope: state.scope, playlist: playlistJson()});
  if (r.status === 422 && r.data.errors) {
    showErrors(r.data.errors);
    return toast(r.data.error, true);
  }
  if (!r.ok) return toast(r.data.error, true);
  showErrors([]);
  toast(r.data.message);
  dropDraft(draftKey(state.me, 'playlist', state.scope));
  await load(state.scope);
  if (r.data.receipts && r.data.receipts.length) followReceipts(document.getElementById('playlist-receipt'), r.data.receipts, '这次发布的回执');
}

// The scope's screens now, and the receipt of its current version.
function showPlaylistState(data) {
  state.published = data.published;
  state.screens = data.screens || [];
  const now = document.getElementById('playlist-state');
  if (now) clear(now, screensNow(data));
  const receipt = document.getElementById('playlist-receipt');
  if (receipt) {
    stopFollowing(receipt);
    clear(receipt, data.receipt ? receiptView(data.receipt, {title: '当前版本的回执'}) : null);
  }
  const confirm = document.getElementById('playlist-confirm');
  if (confirm) { clear(confirm); confirm.hidden = true; }
}

// 这些屏幕现在播放 follows the screens (their status changes with each page) while the
// page shows the scope: every five seconds.
let watching = 0;
function watchScreensNow() {
  const mine = ++watching;
  const round = async () => {
    const now = document.getElementById('playlist-now');
    if (mine !== watching || !now) return;
    const r = await api.get('/api/playlist', {scope: state.scope}, {background: true});
    if (mine !== watching) return;
    const box = document.getElementById('playlist-state');
    if (r.ok && box && r.data.scope === state.scope && JSON.stringify(r.data.screens) !== JSON.stringify(state.screens)) {
      state.screens = r.data.screens || [];
      clear(box, screensNow(r.data));
    }
    setTimeout(round, 5000);
  };
  setTimeout(round, 5000);
}

// The newest load wins: a clerk who picks a scope while the page's first load is under way
// must never see another scope's playlist under the one chosen.
let loading = 0;

async function load(scope) {
  const mine = ++loading;
  const r = await api.get('/api/playlist', {scope});
  if (mine !== loading) return;
  if (!r.ok) return toast(r.data.error, true);
  state.scope = scope;
  const select = document.getElementById('scope');
  if (select) select.value = scope;
  // An editor whose change waits (or was sent back) edits that version, not the published one.
  const change = r.data.mine;
  const theirs = change && (change.state === 'pending' || change.state === 'rejected') && change.after ? change.after : r.data.playlist;
  state.items = (theirs.items || []).map(fromItem);
  state.base = JSON.stringify(playlistJson());
  showMine(change);
  offerPlaylistDraft();
  const info = document.getElementById('playlist-info');
  clear(info, r.data.published ? `当前版本由 ${r.data.by} 于 ${shortTime(r.data.at)} 发布。` : '这个范围还没有发布过节目单，屏幕播放的是下面列出的节目单。',
    waitingWords(r.data.pending, change));
  showPlaylistState(r.data);
  watchScreensNow();
  render();
}

export default async function playlistPage(main, me) {
  state = {scope: 'all', items: [], me};
  const scopes = await api.get('/api/scopes');
  const select = h('select', {id: 'scope', onchange: (e) => load(e.target.value)},
    (scopes.ok ? scopes.data : [{scope: 'all', label: '全部屏幕'}]).map((s) => h('option', {value: s.scope}, s.label)));
  main.append(
    h('div', {class: 'row'}, h('label', {for: 'scope'}, '给哪些屏幕：'), select),
    h('p', {id: 'playlist-info', class: 'muted'}),
    h('div', {id: 'playlist-change', 'aria-live': 'polite'}),
    h('div', {id: 'playlist-draft'}),
    h('div', {id: 'playlist-state'}),
    h('div', {id: 'playlist-receipt', 'aria-live': 'polite'}),
    h('div', {id: 'playlist-confirm', class: 'card confirm-box', role: 'alertdialog', hidden: true}),
    h('p', {class: 'muted'}, '更具体的节目单优先：某块屏幕自己的 > 分组的 > 全部屏幕的。'),
    h('form', {id: 'playlist-form', onsubmit: (e) => e.preventDefault(), oninput: keepDraft, onchange: keepDraft}));
  await load('all');
}
