// 紧急通知: one form — the text, which screens (groups ticked), until when, how it shows
// (紧急 / 插播 / 轮播 / 滚动字幕) — a preview in its style rendered by the kiosk's own engine, then 发布.
// Notices in force are listed below, each taken off with one click (撤下).
import {h, clear, toast, shortTime} from './dom.js';
import * as api from './api.js';
import {ask} from './dialog.js';
import {draftKey, saveDraft, dropDraft, offerDraft} from './drafts.js';
import {receiptView, followReceipts} from './receipts.js';

function defaultUntil(nowIso) {
  // Today 18:00, or two hours from now when that has passed — counted on the office's clock
  // (nowIso is its local time), never the browser's zone, which may differ.
  const day = nowIso.slice(0, 10);
  if (nowIso.slice(11, 16) < '16:00') return `${day}T18:00`;
  const t = new Date(Date.UTC(+nowIso.slice(0, 4), +nowIso.slice(5, 7) - 1, +nowIso.slice(8, 10),
    +nowIso.slice(11, 13) + 2, +nowIso.slice(14, 16)));
  return t.toISOString().slice(0, 16);
}

// How a notice meets the playlist (the body's "mode", docs/fleet.md), in the clerk's words;
// 紧急 is the default and always in the urgent style. The list shows the console's
// mode_words, the same words (kiosk/console/service.cpp notice_mode_words).
const MODES = [
  ['hold', '紧急（一直显示，直到撤下或到期）'],
  ['interrupt', '插播（马上显示一次，之后与节目单轮流）'],
  ['turn', '轮播（排在节目单之后）'],
  ['ticker', '滚动字幕（在屏幕下方滚动，节目照常播放）'],
];

function formValue(form) {
  const mode = (form.querySelector('input[name="mode"]:checked') || {value: 'hold'}).value;
  return {
    title: form.querySelector('#notice-title').value.trim(),
    text: form.querySelector('#notice-text').value.trim(),
    scopes: [...form.querySelectorAll('input[name="scope"]:checked')].map((x) => x.value),
    until: form.querySelector('#notice-until').value,
    mode,
    // As before modes, for readers of the form that know only these (the console uses mode).
    interrupt: mode === 'hold' || mode === 'interrupt',
    urgent: mode === 'hold',
  };
}

// 回执 of a notice in force: how many of its screens show it, opening onto each screen's line.
function noticeReceipt(n) {
  return n.receipt ? receiptView(n.receipt, {title: ''}) : h('span', {class: 'muted'}, '—');
}

// After 发布: the notice's receipt, live, above the form's fields.
function noticeReceiptBox() {
  return h('section', {id: 'notice-receipt', 'aria-live': 'polite'});
}

function followNoticeReceipt(box, answer, list) {
  followReceipts(box, answer.receipts || [], '回执', () => listNotices(list));
}

async function listNotices(box) {
  const r = await api.get('/api/notices');
  if (!r.ok) return;
  clear(box, h('h2', {}, '正在显示的通知'),
    r.data.length === 0 ? h('p', {}, '没有。') : h('table', {},
      h('thead', {}, h('tr', {}, ['内容', '屏幕', '方式', '显示到', '发布人', '回执', ''].map((x) => h('th', {}, x)))),
      h('tbody', {}, r.data.map((n) => h('tr', {'data-notice': n.id},
        h('td', {}, n.title ? h('strong', {}, n.title, ' ') : null, n.text),
        h('td', {}, n.label),
        h('td', {'data-role': 'mode'}, n.mode_words),
        h('td', {}, shortTime(n.until)),
        h('td', {}, n.by),
        h('td', {class: 'receipt-cell'}, noticeReceipt(n)),
        h('td', {}, h('button', {type: 'button', class: 'danger big', 'data-action': 'clear', onclick: async () => {
          if (!await confirmClear(n)) return;
          const c = await api.post('/api/notices/clear', {id: n.id, scope: n.scope});
          toast(c.ok ? c.data.message : c.data.error, !c.ok);
          listNotices(box);
        }}, '撤下')))))));
}

// 撤下 asks first, naming the notice and where it comes off.
function confirmClear(n) {
  const words = (n.title || n.text || '').slice(0, 40);
  return ask({title: '撤下这条通知？', ok: '撤下', danger: true,
    text: [`“${words}${(n.title || n.text || '').length > 40 ? '…' : ''}”`, `会马上从“${n.label}”的屏幕上撤下，不能恢复（要再显示请重新发布）。`]});
}

// The draft of the notice being written (drafts.js): every field of the form by its id (or
// name and value for a choice), saved as the clerk types; kept until the form is sent.
function noticeFields(form) {
  const out = {};
  for (const el of form.querySelectorAll('input, textarea, select')) {
    if (el.type === 'file' || el.type === 'button' || el.type === 'submit') continue;
    if (el.type === 'checkbox' || el.type === 'radio') out[el.id || `${el.name}=${el.value}`] = el.checked;
    else if (el.id) out[el.id] = el.value;
  }
  return out;
}

function setNoticeFields(form, fields) {
  for (const [key, value] of Object.entries(fields)) {
    const eq = key.indexOf('=');
    const el = eq > 0 && !form.querySelector(`#${CSS.escape(key)}`)
      ? form.querySelector(`[name="${CSS.escape(key.slice(0, eq))}"][value="${CSS.escape(key.slice(eq + 1))}"]`)
      : form.querySelector(`#${CSS.escape(key)}`);
    if (!el) continue;
    if (el.type === 'checkbox' || el.type === 'radio') el.checked = !!value;
    else el.value = value;
    el.dispatchEvent(new Event('change', {bubbles: true}));
  }
}

function watchNoticeDraft(form, offerBox, me) {
  const key = draftKey(me, 'notice');
  const typed = () => form.querySelector('#notice-text').value.trim() || form.querySelector('#notice-title').value.trim();
  const keep = () => {
    if (typed()) saveDraft(key, {fields: noticeFields(form), editing: form.dataset.editing || ''});
  };
  form.addEventListener('input', keep);
  form.addEventListener('change', keep);
  offerDraft(offerBox, key, {
    describe: (d) => `“${(d.fields['notice-title'] || d.fields['notice-text'] || '').slice(0, 30)}”`,
    restore: (d) => {
      setNoticeFields(form, d.fields);
      if (d.editing) form.dataset.editing = d.editing;
      form.querySelector('#notice-text').focus();
    },
  });
  return () => dropDraft(key);
}

// The editor's own notices sent for approval, and where each stands (等待审核 / 已退回：原因 /
// 已批准); one waiting or sent back is taken into the form with 继续修改 (sent again, it takes
// the place of the one waiting).
async function listMine(box, form) {
  const r = await api.get('/api/approvals', {mine: '1'});
  if (!r.ok) return;
  // The newest change of each notice (one sent back and sent again shows as sent again).
  const seen = new Set();
  const mine = r.data.filter((c) => {
    if (c.kind !== 'notice' || c.state === 'superseded' || seen.has(c.after && c.after.id)) return false;
    seen.add(c.after && c.after.id);
    return true;
  }).slice(0, 10);
  clear(box, mine.length === 0 ? null : [h('h2', {}, '我提交审核的通知'),
    h('table', {},
      h('thead', {}, h('tr', {}, ['内容', '屏幕', '提交于', '审核结果', ''].map((x) => h('th', {}, x)))),
      h('tbody', {}, mine.map((c) => h('tr', {'data-change': c.id, 'data-state': c.state},
        h('td', {}, c.after.title ? h('strong', {}, c.after.title, ' ') : null, c.after.text || ''),
        h('td', {}, c.label),
        h('td', {class: 'nowrap'}, shortTime(c.created)),
        h('td', {}, h('span', {class: `state-word ${c.state}`, 'data-role': 'state'}, c.state_text),
          c.decided_by ? h('span', {class: 'muted'}, `（${c.decided_by}，${shortTime(c.decided)}）`) : null),
        h('td', {}, c.state === 'pending' || c.state === 'rejected'
          ? h('button', {type: 'button', class: 'big', 'data-action': 'edit-change', onclick: () => editChange(form, c)}, '继续修改')
          : null)))))]);
}

function editChange(form, c) {
  const n = c.after || {};
  form.querySelector('#notice-text').value = n.text || '';
  form.querySelector('#notice-title').value = n.title || '';
  for (const box of form.querySelectorAll('input[name="scope"]')) box.checked = (n.scopes || []).includes(box.value);
  if (n.until) form.querySelector('#notice-until').value = String(n.until).slice(0, 16);
  const mode = n.mode && form.querySelector(`input[name="mode"][value="${CSS.escape(n.mode)}"]`);
  if (mode) mode.checked = true;
  for (const [id, on] of [['notice-urgent', n.urgent], ['notice-interrupt', n.interrupt]]) {
    const el = form.querySelector(`#${id}`);
    if (el && on !== undefined) el.checked = !!on;
  }
  form.dataset.editing = n.id || '';
  form.dispatchEvent(new Event('change'));
  form.scrollIntoView({block: 'start'});
  form.querySelector('#notice-text').focus();
}

// An editor's 紧急 notice goes out at once unless the admin asked for approval of those too:
// the button says which (发布 / 提交审核) as the choice changes.
function watchPublishLabel(form, me) {
  if (!(me.require_approval && me.role === 'editor')) return;
  const button = form.querySelector('#notice-publish');
  const label = () => {
    const hold = form.querySelector('input[name="mode"][value="hold"]');
    const urgent = hold ? hold.checked : !!(form.querySelector('#notice-urgent') || {}).checked;
    button.textContent = urgent && !me.urgent_needs_approval ? '发布' : '提交审核';
  };
  form.addEventListener('change', label);
  label();
}

// The form's value, with the id of the change being edited (sent again under that id, it
// takes the place of the one waiting).
function withEditing(form, value) {
  return form.dataset.editing ? {...value, id: form.dataset.editing} : value;
}

export default async function noticesPage(main, me) {
  const scopes = await api.get('/api/scopes');
  const groups = (scopes.ok ? scopes.data : [{scope: 'all', label: '全部屏幕'}]).filter((s) => !s.scope.startsWith('screen/'));
  const approval = me.require_approval && me.role === 'editor';
  const error = h('p', {class: 'error', role: 'alert', id: 'notice-error'});
  const previewBox = h('div', {class: 'preview', id: 'notice-preview'});
  const list = h('section', {id: 'notice-list'});
  const receiptBox = noticeReceiptBox();
  const form = h('form', {class: 'card', id: 'notice-form', onsubmit: async (e) => {
    e.preventDefault();
    error.textContent = '';
    const r = await api.post('/api/notices', withEditing(form, formValue(form)));
    if (!r.ok) {
      error.textContent = r.data.error;
      return;
    }
    toast(r.data.message);
    forgetDraft();
    delete form.dataset.editing;
    listMine(mineBox, form);
    followNoticeReceipt(receiptBox, r.data, list);
    form.querySelector('#notice-text').value = '';
    form.querySelector('#notice-title').value = '';
    clear(previewBox);
    listNotices(list);
  }},
  h('label', {for: 'notice-text'}, '通知内容'),
  h('textarea', {id: 'notice-text', rows: 4, required: true, placeholder: '例如：因系统升级，今天下午暂停办理不动产登记业务。'}),
  h('label', {for: 'notice-title'}, '标题（可不填）'),
  h('input', {id: 'notice-title'}),
  h('fieldset', {}, h('legend', {}, '在哪些屏幕显示'),
    groups.map((g) => h('label', {class: 'choice'}, h('input', {type: 'checkbox', name: 'scope', value: g.scope}), g.label))),
  h('label', {for: 'notice-until'}, '显示到'),
  h('input', {id: 'notice-until', type: 'datetime-local', value: defaultUntil(me.now), required: true}),
  h('fieldset', {id: 'notice-mode'}, h('legend', {}, '怎样显示'),
    MODES.map(([mode, words]) => h('label', {class: 'choice'},
      h('input', {type: 'radio', name: 'mode', value: mode, id: `notice-mode-${mode}`, checked: mode === 'hold'}), words))),
  error,
  h('div', {class: 'actions'},
    h('button', {type: 'button', class: 'big', id: 'notice-preview-button', onclick: async () => {
      error.textContent = '';
      clear(previewBox, h('p', {}, '正在生成预览…'));
      const r = await api.post('/api/preview', {notice: formValue(form)});
      if (!r.ok) {
        clear(previewBox);
        error.textContent = r.data.error;
        return;
      }
      clear(previewBox, r.data.sizes.map((s, k) => h('figure', {class: 'preview-size'},
        h('figcaption', {}, `${s.width}×${s.height}`),
        h('img', {src: `/api/preview/${r.data.token}/${k}/0.png`, alt: `${s.width}×${s.height} 的预览`,
          class: s.width > s.height ? 'wide' : 'tall'}))));
    }}, '预览'),
    h('button', {type: 'submit', class: 'big primary', id: 'notice-publish'}, approval ? '提交审核' : '发布')),
  previewBox);
  const offerBox = h('div', {id: 'notice-draft'});
  const mineBox = h('section', {id: 'notice-mine'});
  main.append(offerBox, form, receiptBox, mineBox, list);
  const forgetDraft = watchNoticeDraft(form, offerBox, me);
  watchPublishLabel(form, me);
  if (me.role === 'editor') await listMine(mineBox, form);
  await listNotices(list);
}
