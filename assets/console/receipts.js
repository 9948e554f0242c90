// 回执: what each screen did with one publication — 已显示, 已接收（等待开放时间）, 拒绝：why,
// 离线，恢复连接后自动显示（自 HH:MM 起离线） — screens by their names. Shown live after 发布
// (each line refreshed every second while the page is open) and on the notice, playlist and
// approval pages afterwards.
import {h, clear} from './dom.js';
import * as api from './api.js';

const answers = new Set(['shown', 'waiting', 'kept', 'refused']);

// One receipt: its summary (3/4 块已显示) opening onto a line per screen.
export function receiptView(r, {title = '回执', open = false} = {}) {
  if (!r) return null;
  const bad = r.lines.some((l) => l.state === 'refused' || l.state === 'silent');
  return h('details', {class: 'receipt' + (bad ? ' bad' : ''), 'data-receipt': r.id, open},
    h('summary', {}, title ? h('strong', {}, `${title}：`) : null, h('span', {class: 'receipt-summary'}, r.summary)),
    r.lines.length ? h('ul', {class: 'receipt-lines'}, r.lines.map((l) => h('li', {class: `receipt-line ${l.state}`, 'data-state': l.state},
      h('span', {class: 'screen-name'}, l.name),
      h('span', {class: 'receipt-text'}, l.text),
      l.detail ? h('span', {class: 'muted receipt-detail'}, l.detail) : null))) : null);
}

let following = 0;

// After 发布: the receipts `ids` (from the answer) in `box`, followed until every screen has
// answered — a screen that is off turns 已显示 here when it is back — or for 30 minutes.
export function followReceipts(box, ids, title = '回执', changed = null) {
  const mine = ++following;
  box.dataset.follow = String(mine);
  if (!ids || !ids.length) return clear(box);
  const start = Date.now();
  const until = start + 30 * 60 * 1000;
  let seen = '';
  let shown = '';  // what the box shows: redrawn only when a line changed
  clear(box, h('p', {class: 'muted'}, '正在等屏幕确认…'));
  const round = async () => {
    if (!box.isConnected || box.dataset.follow !== String(mine)) return;
    const r = await api.get('/api/receipts', {ids: ids.join(',')}, {background: true});
    if (!box.isConnected || box.dataset.follow !== String(mine)) return;
    if (r.ok && JSON.stringify(r.data) !== shown) {
      shown = JSON.stringify(r.data);
      // The clerk's open/closed choice survives each refresh.
      const open = new Map([...box.querySelectorAll('details.receipt')].map((d) => [d.dataset.receipt, d.open]));
      const first = !box.querySelector('details.receipt');
      clear(box, r.data.map((x) => receiptView(x, {title: r.data.length > 1 ? `${title}（${x.label}）` : title,
        open: open.has(String(x.id)) ? open.get(String(x.id)) : true})));
      if (first) box.scrollIntoView({block: 'nearest'});
      // Another view of the same receipts (a list below) is told when a line changed.
      const now = JSON.stringify(r.data.map((x) => x.lines.map((l) => l.state)));
      if (changed && now !== seen) changed();
      seen = now;
    }
    if (r.ok && r.data.every((x) => x.lines.every((l) => answers.has(l.state)))) return;
    // Every second while screens answer; every five after two minutes (a screen that is off
    // may be off for hours).
    if (Date.now() < until) setTimeout(round, Date.now() - start < 120000 ? 1000 : 5000);
  };
  round();
}

// Stops following what `box` shows (another scope chosen, the page rebuilt).
export function stopFollowing(box) {
  box.dataset.follow = '';
}
