// 开放时间: when a scope's screens are on (issue 28). The week's hours as a clerk types them
// (8:30-12:00，13:00-17:00), lunch kept on or not, the margins; the exceptions — 放假, 调休上班,
// 特别时间 — as rows; the next 14 days as the screens will live them, worked out on the
// console by the screens' own function (schedule::power_at) each time something changes.
// 发布 sends the scope one signed `calendar` document; the receipt says what each screen did.
import {h, clear, toast, shortTime} from './dom.js';
import * as api from './api.js';
import {normalRange} from './playlist.js';
import {receiptView, followReceipts, stopFollowing} from './receipts.js';
import {ask} from './dialog.js';

const days = [['mon', '星期一'], ['tue', '星期二'], ['wed', '星期三'], ['thu', '星期四'], ['fri', '星期五'], ['sat', '星期六'], ['sun', '星期日']];
const kinds = [['closed', '放假（关闭）'], ['open', '调休上班'], ['hours', '特别时间']];
export const yearlyHint = '每年11月国务院办公厅公布下一年的放假安排后，在这里录入';

let state = null;  // {scope, me, week: {mon: '08:30-12:00，13:00-17:00'}, lunch, before, after, rows: [...], name}

// "08:30-12:00，13:00-17:00" <-> ["08:30-12:00", "13:00-17:00"]: ranges typed in one box,
// apart by a comma, 、 or ；(full-width too).
function splitRanges(text) {
  return text.split(/[,，、;；]+/).map((x) => x.trim()).filter((x) => x).map(normalRange);
}
function joinRanges(list) {
  return (list || []).join('，');
}

function fromCalendar(c) {
  const week = {};
  for (const [key] of days) week[key] = joinRanges((c.hours || {})[key]);
  return {
    name: c.name || '',
    week,
    lunch: c.lunch === 'off' ? 'off' : 'on',
    before: c.on_before_minutes !== undefined ? String(c.on_before_minutes) : '15',
    after: c.off_after_minutes !== undefined ? String(c.off_after_minutes) : '10',
    rows: (c.days || []).map((d) => ({
      date: d.date || '',
      until: d.until || '',
      type: d.closed ? 'closed' : d.open ? 'open' : d.hours ? 'hours' : 'closed',
      open: d.open || 'mon',
      hours: joinRanges(d.hours),
      name: d.name || '',
    })),
  };
}

function calendarJson() {
  const hours = {};
  for (const [key] of days) hours[key] = splitRanges(state.week[key] || '');
  const out = {format: 'kiosk-calendar/1', hours, lunch: state.lunch, on_before_minutes: state.before, off_after_minutes: state.after,
    days: state.rows.map((r) => {
      const d = {date: r.date};
      if (r.until) d.until = r.until;
      if (r.type === 'closed') d.closed = true;
      else if (r.type === 'open') d.open = r.open;
      else d.hours = splitRanges(r.hours);
      if (r.name.trim()) d.name = r.name.trim();
      return d;
    })};
  if (state.name.trim()) out.name = state.name.trim();
  return out;
}

function slot(key) {
  return h('p', {class: 'field-error', 'data-slot': key, role: 'alert'});
}

// The checker's errors beside the row or weekday they concern.
function showErrors(errors) {
  for (const el of document.querySelectorAll('#hours-form .field-error')) el.textContent = '';
  for (const el of document.querySelectorAll('#hours-form [aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const e of errors || []) {
    let key = 'all';
    if (e.item >= 0) key = `row-${e.item}`;
    else if (e.field && e.field.startsWith('hours.')) key = e.field;
    else if (e.field === 'on_before_minutes' || e.field === 'off_after_minutes') key = 'margins';
    const target = document.querySelector(`#hours-form .field-error[data-slot="${key}"]`) ||
      document.querySelector('#hours-form .field-error[data-slot="all"]');
    target.textContent += (target.textContent ? '\n' : '') + e.message;
    const input = e.item >= 0
      ? document.querySelector(`#hours-form [data-row="${e.item}"][data-input="${e.field}"]`)
      : document.querySelector(`#hours-form [data-input="${e.field}"]`);
    if (input) input.setAttribute('aria-invalid', 'true');
  }
}

// 未来 14 天: a line a day.
function showDays(list, errors) {
  const box = document.getElementById('hours-days');
  if (!box) return;
  if (!list) {
    return clear(box, h('p', {class: 'muted'}, errors && errors.length
      ? '上面有要修改的地方，改好后这里显示未来 14 天屏幕的开关时间。' : '正在计算…'));
  }
  clear(box, h('table', {class: 'hours-days'},
    h('thead', {}, h('tr', {}, h('th', {}, '日期'), h('th', {}, '星期'), h('th', {}, '屏幕'), h('th', {}, '说明'))),
    h('tbody', {}, list.map((d) => h('tr', {class: (d.on ? 'on' : 'off') + (d.today ? ' today' : ''), 'data-date': d.date, 'data-kind': d.kind},
      h('td', {class: 'nowrap'}, d.day, d.today ? h('span', {class: 'badge ok'}, '今天') : null),
      h('td', {class: 'nowrap'}, d.weekday),
      h('td', {'data-role': 'power'}, d.text),
      h('td', {class: 'muted'}, d.note))))));
}

// As the clerk types: the console tidies and checks what is typed, and works the 14 days out.
let previewTimer = 0;
let previewing = 0;
function changed() {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(async () => {
    const mine = ++previewing;
    const r = await api.post('/api/calendar/preview', {scope: state.scope, calendar: calendarJson()});
    if (mine !== previewing || !r.ok) return;
    showErrors(r.data.errors);
    showDays(r.data.days, r.data.errors);
    const status = document.getElementById('hours-unsaved');
    if (status) status.hidden = false;
  }, 350);
}

function weekForm() {
  return h('fieldset', {class: 'card hours-week'},
    h('legend', {}, '每周开放时间'),
    h('p', {class: 'muted'}, '每天可以填几个时段，用逗号隔开，如 8:30-12:00，13:00-17:00；不开放的一天空着。'),
    h('table', {class: 'week'}, h('tbody', {}, days.map(([key, word]) => h('tr', {'data-day': key},
      h('th', {scope: 'row'}, h('label', {for: `week-${key}`}, word)),
      h('td', {},
        h('input', {id: `week-${key}`, type: 'text', class: 'ranges', value: state.week[key], 'data-input': `hours.${key}`,
          placeholder: '休息（不开放）',
          oninput: (e) => { state.week[key] = e.target.value; changed(); },
          onchange: (e) => {
            // Shown tidied when the box is left (8:30 → 08:30), as it will be published.
            const list = splitRanges(e.target.value);
            if (list.length) e.target.value = state.week[key] = joinRanges(list);
          }}),
        slot(`hours.${key}`)))))),
    h('div', {class: 'row'},
      h('span', {}, '午休时屏幕：'),
      [['on', '保持开启'], ['off', '关闭']].map(([value, word]) => h('label', {class: 'choice-inline'},
        h('input', {type: 'radio', name: 'lunch', value, checked: state.lunch === value, 'data-input': 'lunch',
          onchange: () => { state.lunch = value; changed(); }}), word))),
    h('div', {class: 'row margins'},
      h('label', {for: 'hours-before'}, '开门前提前'),
      h('input', {id: 'hours-before', type: 'number', min: 0, max: 180, class: 'minutes', value: state.before, 'data-input': 'on_before_minutes',
        oninput: (e) => { state.before = e.target.value; changed(); }}),
      h('span', {}, '分钟亮屏，下班后'),
      h('input', {id: 'hours-after', type: 'number', min: 0, max: 180, class: 'minutes', value: state.after, 'data-input': 'off_after_minutes',
        'aria-label': '下班后几分钟关屏', oninput: (e) => { state.after = e.target.value; changed(); }}),
      h('span', {}, '分钟关屏')),
    slot('margins'));
}

function rowForm(r, i) {
  const set = (key) => (e) => { r[key] = e.target.value; changed(); };
  return h('tr', {'data-row': i},
    h('td', {class: 'nowrap'},
      h('input', {type: 'date', value: r.date, 'data-row': i, 'data-input': 'date', 'aria-label': `第 ${i + 1} 行的日期`,
        oninput: set('date')}),
      h('span', {class: 'muted'}, ' 到 '),
      h('input', {type: 'date', value: r.until, 'data-row': i, 'data-input': 'until', 'aria-label': `第 ${i + 1} 行到哪天（只有一天就空着）`,
        oninput: set('until')})),
    h('td', {},
      h('select', {'data-row': i, 'data-input': 'kind', 'aria-label': `第 ${i + 1} 行的类型`,
        onchange: (e) => { r.type = e.target.value; render(); changed(); }},
      kinds.map(([value, word]) => h('option', {value, selected: r.type === value}, word))),
      r.type === 'open' ? h('span', {class: 'nowrap'}, ' 按',
        h('select', {'data-row': i, 'data-input': 'open', 'aria-label': '按星期几的时间上班', onchange: set('open')},
          days.map(([key, word]) => h('option', {value: key, selected: r.open === key}, word))), '的时间') : null,
      r.type === 'hours' ? h('input', {type: 'text', class: 'ranges', value: r.hours, 'data-row': i, 'data-input': 'hours',
        placeholder: '如 8:30-12:00', 'aria-label': `第 ${i + 1} 行的时段`, oninput: set('hours')}) : null),
    h('td', {}, h('input', {type: 'text', class: 'name', value: r.name, maxlength: 40, 'data-row': i, 'data-input': 'name',
      placeholder: '如 春节', 'aria-label': `第 ${i + 1} 行的名称`, oninput: set('name')})),
    h('td', {}, h('button', {type: 'button', class: 'link', onclick: () => { state.rows.splice(i, 1); render(); changed(); }}, '删除')));
}

function rowsForm() {
  return h('fieldset', {class: 'card hours-days-off'},
    h('legend', {}, '节假日和调休'),
    h('p', {class: 'hint', id: 'hours-yearly'}, yearlyHint),
    h('p', {class: 'muted'}, '放假的日子屏幕休眠；调休上班的日子按所选星期几的时间开放；特别时间按这一行填的时段开放。连续几天填“到”，只有一天就空着。'),
    state.rows.length === 0 ? h('p', {class: 'muted', id: 'hours-no-rows'}, '还没有例外日期。') : h('table', {class: 'rows'},
      h('thead', {}, h('tr', {}, h('th', {}, '日期（从…到…）'), h('th', {}, '类型'), h('th', {}, '名称'), h('th', {}, ''))),
      h('tbody', {}, state.rows.map((r, i) => [rowForm(r, i),
        h('tr', {class: 'row-error'}, h('td', {colspan: 4}, slot(`row-${i}`)))]))),
    h('div', {class: 'actions'}, h('button', {type: 'button', id: 'hours-add', onclick: () => {
      state.rows.push({date: '', until: '', type: 'closed', open: 'mon', hours: '', name: ''});
      render();
      const dates = document.querySelectorAll('#hours-form input[data-input="date"]');
      if (dates.length) dates[dates.length - 1].focus();
    }}, '添加一行')));
}

function render() {
  const form = document.getElementById('hours-form');
  clear(form, slot('all'), weekForm(), rowsForm());
}

async function publish() {
  const r = await api.post('/api/calendar', {scope: state.scope, calendar: calendarJson()});
  if (r.status === 422 && r.data.errors) {
    showErrors(r.data.errors);
    return toast(r.data.error, true);
  }
  if (!r.ok) return toast(r.data.error, true);
  toast(r.data.message);
  await load(state.scope);
  if (r.data.receipts && r.data.receipts.length) followReceipts(document.getElementById('hours-receipt'), r.data.receipts, '这次发布的回执');
}

async function save() {
  const r = await api.post('/api/calendar/save', {scope: state.scope, calendar: calendarJson()});
  toast(r.ok ? r.data.message : r.data.error, !r.ok);
  if (r.ok) document.getElementById('hours-unsaved').hidden = true;
}

async function clearScope() {
  const box = document.getElementById('hours-confirm');
  box.hidden = false;
  clear(box,
    h('p', {}, `清除后，「${state.label}」的屏幕改用上一级（如「全部屏幕」）发布的开放时间；没有的话，按各屏幕自己的设置。`),
    h('div', {class: 'actions'},
      h('button', {type: 'button', class: 'big danger', id: 'hours-clear-yes', onclick: async () => {
        box.hidden = true;
        const r = await api.post('/api/calendar/clear', {scope: state.scope});
        if (!r.ok) return toast(r.data.error, true);
        toast(r.data.message);
        await load(state.scope);
        if (r.data.receipts && r.data.receipts.length) followReceipts(document.getElementById('hours-receipt'), r.data.receipts, '清除的回执');
      }}, '确认清除'),
      h('button', {type: 'button', class: 'big', onclick: () => { box.hidden = true; }}, '取消')));
}

function infoLine(d) {
  const parts = [];
  if (d.published) parts.push(`当前版本由 ${d.by} 于 ${shortTime(d.at)} 发布。`);
  else if (d.cleared) parts.push(`这个范围的开放时间已由 ${d.by} 于 ${shortTime(d.at)} 清除。`);
  else parts.push('这个范围还没有发布过开放时间。');
  if (d.source === 'inherited') parts.push(`下面是「${d.inherited}」的开放时间，改好发布后，这个范围改用这里的。`);
  if (d.source === 'start') parts.push('下面是一个常见的开放时间，请改成本大厅的时间后发布。');
  if (d.source === 'draft' && d.differs) parts.push(`下面是 ${shortTime(d.draft_at)} 保存的草稿，还没有发布。`);
  if (d.mine) parts.push(d.mine.state === 'pending' ? '你提交的修改正在等待审核。' : `你提交的修改被退回：${d.mine.reason}`);
  return parts.join('');
}

function screensNow(list) {
  return h('section', {id: 'hours-screens'}, h('h2', {}, '这些屏幕现在'),
    !list.length ? h('p', {class: 'muted'}, '这个范围现在没有屏幕报告过状态。')
      : h('ul', {class: 'playing'}, list.map((s) => h('li', {'data-screen': s.name, 'data-state': s.state},
        h('strong', {}, s.name), '：', s.text))));
}

let loading = 0;
async function load(scope) {
  const mine = ++loading;
  const r = await api.get('/api/calendar', {scope});
  if (mine !== loading) return;
  if (!r.ok) return toast(r.data.error, true);
  const d = r.data;
  state = {...state, scope, label: d.label, ...fromCalendar(d.calendar)};
  document.getElementById('scope').value = scope;
  clear(document.getElementById('hours-info'), infoLine(d));
  clear(document.getElementById('hours-state'), screensNow(d.screens || []));
  const receipt = document.getElementById('hours-receipt');
  stopFollowing(receipt);
  clear(receipt, d.receipt ? receiptView(d.receipt, {title: '当前版本的回执'}) : null);
  document.getElementById('hours-publish').textContent = `发布到「${d.label}」`;
  document.getElementById('hours-clear').hidden = !d.published;
  document.getElementById('hours-unsaved').hidden = true;
  render();
  showErrors(d.errors);
  showDays(d.days, d.errors);
}

// 给哪些屏幕 changed with typed changes not yet published: asked first, never lost. A clerk
// often fills the form and only then chooses where it goes, so the changes can come along.
async function chooseScope(select) {
  const next = select.value;
  const unsaved = !document.getElementById('hours-unsaved').hidden;
  if (!unsaved) return load(next);
  const label = select.selectedOptions[0] ? select.selectedOptions[0].textContent : next;
  select.value = state.scope;  // until the clerk answers
  const answer = await ask({
    title: `换到「${label}」？`,
    text: [`「${state.label}」这里有改动还没有发布。`,
      `可以带着这些改动换到「${label}」，在那里检查后发布；也可以留在「${state.label}」。`],
    ok: `带着改动换到「${label}」`,
    cancel: `留在「${state.label}」`,
  });
  if (!answer) return;
  const carried = {name: state.name, week: state.week, lunch: state.lunch, before: state.before, after: state.after, rows: state.rows};
  await load(next);
  state = {...state, ...carried};
  render();
  changed();  // checked and worked out again for the new scope; marked 有改动还没有发布
}

export default async function hoursPage(main, me) {
  state = {scope: 'all', me, week: {}, rows: []};
  const scopes = await api.get('/api/scopes');
  main.append(
    h('div', {class: 'row'}, h('label', {for: 'scope'}, '给哪些屏幕：'),
      h('select', {id: 'scope', onchange: (e) => chooseScope(e.target)},
        (scopes.ok ? scopes.data : [{scope: 'all', label: '全部屏幕'}]).map((s) => h('option', {value: s.scope}, s.label)))),
    h('p', {id: 'hours-info', class: 'muted'}),
    h('p', {class: 'muted'}, '更具体的优先：某块屏幕自己的 > 分组的 > 全部屏幕的。屏幕在开放时间外休眠（黑屏），紧急通知会把它唤醒。'),
    h('form', {id: 'hours-form', onsubmit: (e) => e.preventDefault()}),
    h('section', {class: 'card'}, h('h2', {}, '未来 14 天'),
      h('p', {class: 'muted'}, '按上面填的时间算出（与屏幕用的是同一个算法），含开门前、下班后的提前和延后。'),
      h('div', {id: 'hours-days'})),
    h('div', {class: 'actions sticky'},
      h('button', {type: 'button', class: 'big primary', id: 'hours-publish', onclick: publish}, '发布'),
      h('button', {type: 'button', class: 'big', id: 'hours-save', onclick: save}, '保存草稿'),
      h('span', {id: 'hours-unsaved', class: 'muted', hidden: true}, '有改动还没有发布'),
      h('button', {type: 'button', class: 'big danger', id: 'hours-clear', hidden: true, onclick: clearScope}, '清除这个范围的开放时间')),
    h('div', {id: 'hours-confirm', class: 'card confirm-box', role: 'alertdialog', hidden: true}),
    h('div', {id: 'hours-receipt', 'aria-live': 'polite'}),
    h('div', {id: 'hours-state'}));
  await load('all');
}
