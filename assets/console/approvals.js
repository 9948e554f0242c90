// 审核: changes an editor made while approval is required, with what they change; only an
// approver (or admin) publishes or sends back.
import {h, clear, toast, shortTime} from './dom.js';
import * as api from './api.js';
import {receiptView, followReceipts} from './receipts.js';

function noticeView(n) {
  return h('dl', {class: 'notice-view'},
    h('dt', {}, '内容'), h('dd', {}, n.title ? h('strong', {}, n.title, ' ') : null, n.text || ''),
    h('dt', {}, '屏幕'), h('dd', {}, (n.scopes || []).join('、')),
    h('dt', {}, '显示到'), h('dd', {}, shortTime(n.until)),
    h('dt', {}, '方式'), h('dd', {}, n.urgent ? '紧急样式，插播' : n.interrupt ? '插播' : '轮播'));
}

// A playlist as its items in order: title, and whether it is off.
function titles(playlist) {
  const items = (playlist && playlist.items) || [];
  if (!items.length) return h('p', {class: 'muted'}, '（空）');
  return h('ol', {class: 'titles'}, items.map((item) => h('li', {class: item.enabled === false ? 'muted' : ''},
    item.title || item.id, item.enabled === false ? '（不播放）' : '',
    item.schedule && item.schedule.hours ? `（${item.schedule.hours.join('、')}）` : '')));
}

function diffView(diff) {
  return h('pre', {class: 'diff'}, diff.split('\n').filter((l) => l).map((line) =>
    h('span', {class: line[0] === '+' ? 'added' : line[0] === '-' ? 'removed' : ''}, line + '\n')));
}

// 批准并发布 answered: the receipt of what it published, live at the top of the page.
function followApproval(answer) {
  const box = document.getElementById('approval-receipt');
  if (box && answer.ok) followReceipts(box, answer.data.receipts || [], '刚批准的修改的回执');
}

// The changes approved lately (the newest five), each with the receipt of what it published.
async function recentApproved(box) {
  const r = await api.get('/api/approvals', {all: 1});
  if (!r.ok) return;
  const approved = r.data.filter((c) => c.state === 'approved').slice(0, 5);
  clear(box, approved.length ? [h('h2', {}, '最近批准的修改'), approved.map((c) => h('article', {class: 'card', 'data-approved': c.id},
    h('h3', {}, c.kind === 'playlist' ? `节目单：${c.label}` : `通知：${(c.after && (c.after.title || c.after.text) || '').slice(0, 40)}`,
      h('span', {class: 'muted'}, `（${c.author} 提交，${c.decided_by} 批准）`)),
    c.receipts.length ? c.receipts.map((x) => receiptView(x, {title: c.receipts.length > 1 ? `回执（${x.label}）` : '回执'}))
      : h('p', {class: 'muted'}, '没有回执（批准时没有发布到屏幕）。')))] : null);
}

async function load(box, me) {
  const r = await api.get('/api/approvals');
  if (!r.ok) return;
  const canDecide = me.role !== 'editor';
  clear(box, r.data.length === 0 ? h('p', {}, '没有等待审核的修改。') : r.data.map((c) => h('article', {class: 'card', 'data-change': c.id},
    h('h2', {}, c.kind === 'playlist' ? `节目单：${c.label}` : '通知', h('span', {class: 'muted'}, `（${c.author} 于 ${shortTime(c.created)} 提交）`)),
    c.kind === 'playlist'
      ? h('div', {},
        h('div', {class: 'before-after'},
          h('section', {}, h('h3', {}, '之前'), titles(c.before)),
          h('section', {}, h('h3', {}, '之后'), titles(c.after))),
        h('details', {}, h('summary', {}, '逐行改动（- 删去，+ 新增）'), diffView(c.diff)))
      : noticeView(c.after),
    canDecide ? h('div', {class: 'actions'},
      h('button', {type: 'button', class: 'big primary', 'data-action': 'approve', onclick: async () => {
        const d = await api.post('/api/approvals/decide', {id: c.id, approve: true});
        toast(d.ok ? d.data.message : d.data.error, !d.ok);
        followApproval(d);
        load(box, me);
      }}, '批准并发布'),
      h('button', {type: 'button', class: 'big danger', 'data-action': 'reject', onclick: async () => {
        const d = await api.post('/api/approvals/decide', {id: c.id, approve: false});
        toast(d.ok ? d.data.message : d.data.error, !d.ok);
        load(box, me);
      }}, '退回')) : h('p', {class: 'muted'}, '等待审核人员处理。'))));
}

export default async function approvalsPage(main, me) {
  const box = h('div', {id: 'approvals'});
  const recent = h('section', {id: 'approved-recent'});
  main.append(h('p', {class: 'muted'}, me.require_approval ? '现在编辑的修改要经过审核才发布。' : '现在不需要审核（管理员可在“用户”页打开）。'),
    h('section', {id: 'approval-receipt', 'aria-live': 'polite'}), box, recent);
  await load(box, me);
  await recentApproved(recent);
}
