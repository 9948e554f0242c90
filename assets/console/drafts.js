// Drafts kept on this computer (the browser's localStorage), per user and form: what a clerk
// was typing survives a session that ends, a reload and a new login, and is offered back
// (恢复草稿 / 丢弃). Nothing leaves the computer; a draft goes once its form is sent.
import {h, clear} from './dom.js';

export function draftKey(me, form, part = '') {
  return `kiosk-draft:${me.name}:${form}${part ? ':' + part : ''}`;
}

export function saveDraft(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify({at: Date.now(), value}));
  } catch (e) {
    // Storage full or refused (a private window): the form still works, without a draft.
  }
}

export function readDraft(key) {
  try {
    const d = JSON.parse(localStorage.getItem(key) || 'null');
    return d && d.value !== undefined ? d : null;
  } catch (e) {
    return null;
  }
}

export function dropDraft(key) {
  try {
    localStorage.removeItem(key);
  } catch (e) {
    // nothing kept
  }
}

function when(ms) {
  const d = new Date(ms);
  const two = (n) => String(n).padStart(2, '0');
  return `${d.getMonth() + 1}月${d.getDate()}日 ${two(d.getHours())}:${two(d.getMinutes())}`;
}

// Into `box`: the offer of the draft under `key`, if there is one — `describe(value)` in
// words, 恢复草稿 calls `restore(value)`, 丢弃 forgets it. Returns whether one was offered.
export function offerDraft(box, key, {describe, restore}) {
  const d = readDraft(key);
  if (!d) {
    clear(box);
    return false;
  }
  clear(box, h('div', {class: 'draft-offer', 'data-draft': key},
    h('p', {}, h('strong', {}, '有一份没有发出的草稿'), `（保存于 ${when(d.at)}）：${describe(d.value)}`),
    h('button', {type: 'button', class: 'big primary', 'data-action': 'restore-draft', onclick: () => {
      clear(box);
      restore(d.value);
    }}, '恢复草稿'),
    h('button', {type: 'button', class: 'big', 'data-action': 'drop-draft', onclick: () => {
      dropDraft(key);
      clear(box);
    }}, '丢弃')));
  return true;
}
