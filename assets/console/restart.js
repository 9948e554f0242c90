// 重启 on the 屏幕 page: a button on each screen's card (and one per group), asked first in
// plain words, then the receipt (已重启 per screen) followed at the top of the page. Only for
// those who publish directly: approvers and admins, editors while 审核 is off (the console
// checks again).
import {h, toast} from './dom.js';
import {ask} from './dialog.js';
import * as api from './api.js';
import {followReceipts} from './receipts.js';

export function mayRestart(me) {
  return me.role === 'admin' || me.role === 'approver' || (me.role === 'editor' && !me.require_approval);
}

async function restart(scope, question, title, box, done) {
  const ok = await ask({title: '重启屏幕', text: question, ok: '重启', danger: true});
  if (!ok) return;
  const r = await api.post('/api/restart', {scope});
  toast(r.ok ? r.data.message : r.data.error, !r.ok);
  if (r.ok) followReceipts(box, r.data.receipts || [], title);
  if (done) done();
}

// The card's button; `box` holds the receipt (outside the cards, which are redrawn every 3 s).
export function restartButton(s, me, box, done) {
  if (!mayRestart(me)) return null;
  const off = s.state === 'disconnected';
  const question = [`确定要重启 ${s.name} 吗？屏幕会黑屏约 10 秒。`];
  if (s.state === 'offline') question.push('这块屏幕现在离线：一小时内恢复连接就会重启，超过一小时就不再重启。');
  return h('button', {type: 'button', class: 'danger', 'data-action': 'restart', disabled: off,
    title: off ? '已关机：开机时会重新启动，不用重启' : null,
    onclick: () => restart(`screen/${s.id}`, question, `重启 ${s.name}`, box, done)}, '重启');
}

// 重启一组屏幕: one line per group with the number of its screens.
export function groupRestart(groups, screens, me, box, done) {
  if (!mayRestart(me) || !groups.length) return null;
  return h('details', {class: 'group-restart', 'data-role': 'group-restart'}, h('summary', {}, '重启一组屏幕'),
    h('p', {class: 'muted'}, '整组屏幕一起重启，每块黑屏约 10 秒后自动恢复播放。只在整组都出问题时使用。'),
    groups.map((g) => {
      const count = screens.filter((s) => (s.groups || []).includes(g.id)).length;
      return h('div', {class: 'row', 'data-group': g.id}, h('span', {class: 'group-name'}, `${g.name}（${count} 块）`),
        h('button', {type: 'button', class: 'danger', 'data-action': 'restart-group', disabled: !count,
          onclick: () => restart(`group/${g.id}`, [`确定要重启「${g.name}」的 ${count} 块屏幕吗？每块屏幕会黑屏约 10 秒。`],
            `重启「${g.name}」`, box, done)}, '重启'));
    }));
}
