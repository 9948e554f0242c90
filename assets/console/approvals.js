// 审核: changes an editor made while approval is required, with what they change; only an
// approver (or admin) publishes (asked first) or sends back (with the reason, which the
// author reads). Below: 紧急 notices editors published without waiting, for review after;
// and for an editor, their own changes and where each stands.
import {h, clear, toast, shortTime} from './dom.js';
import * as api from './api.js';
import {ask} from './dialog.js';
import {receiptView, followReceipts} from './receipts.js';

const waitingChanged = () => document.dispatchEvent(new Event('kiosk:waiting'));

function noticeView(n, label) {
  return h('dl', {class: 'notice-view'},
    h('dt', {}, '内容'), h('dd', {}, n.title ? h('strong', {}, n.title, ' ') : null, n.text || ''),
    h('dt', {}, '屏幕'), h('dd', {}, label),
    h('dt', {}, '显示到'), h('dd', {}, shortTime(n.until)),
    h('dt', {}, '方式'), h('dd', {}, modeWords(n)));
}

// The notice form's words for its mode (notices.js); a change from before modes by its flags.
function modeWords(n) {
  const words = {hold: '紧急（一直显示，直到撤下或到期）', interrupt: '插播（马上显示一次，之后与节目单轮流）',
    turn: '轮播（排在节目单之后）'};
  if (words[n.mode]) return words[n.mode];
  return n.interrupt || n.urgent ? words.interrupt : words.turn;
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
    h('h3', {}, c.kind === 'playlist' ? `节目单：${c.label}` : c.kind === 'calendar' ? `开放时间：${c.label}`
      : `通知：${(c.after && (c.after.title || c.after.text) || '').slice(0, 40)}`,
      h('span', {class: 'muted'}, `（${c.author} 提交，${c.decided_by} 批准）`)),
    c.receipts.length ? c.receipts.map((x) => receiptView(x, {title: c.receipts.length > 1 ? `回执（${x.label}）` : '回执'}))
      : h('p', {class: 'muted'}, '没有回执（批准时没有发布到屏幕）。')))] : null);
}

function what(c) {
  if (c.kind === 'calendar') return `“${c.label}”的开放时间`;
  return c.kind === 'playlist' ? `“${c.label}”的节目单` : `通知“${((c.after && (c.after.title || c.after.text)) || '').slice(0, 30)}”`;
}

async function approve(c, box, me) {
  const where = c.kind === 'playlist' ? `会马上发布到“${c.label}”的屏幕，代替现在的节目单。`
    : c.kind === 'calendar' ? `会马上发布到“${c.label}”的屏幕，屏幕按新的时间开关。` : `会马上显示在“${c.label}”的屏幕上。`;
  const yes = await ask({title: '批准并发布？', ok: '批准并发布', text: [`${c.author} 提交的${what(c)}${where}`]});
  if (!yes) return;
  const d = await api.post('/api/approvals/decide', {id: c.id, approve: true});
  toast(d.ok ? d.data.message : d.data.error, !d.ok);
  followApproval(d);
  waitingChanged();
  load(box, me);
}

async function reject(c, box, me) {
  const answer = await ask({title: '退回这项修改', ok: '退回', danger: true,
    text: [`${what(c)}不会发布，退回给 ${c.author}。`, '请写明原因，对方会在自己的页面上看到。'],
    fields: [{name: 'reason', label: '退回原因', type: 'textarea', required: true}]});
  if (!answer) return;
  const d = await api.post('/api/approvals/decide', {id: c.id, approve: false, reason: answer.reason.trim()});
  toast(d.ok ? d.data.message : d.data.error, !d.ok);
  waitingChanged();
  load(box, me);
}

function changeCard(c, box, me, canDecide) {
  return h('article', {class: 'card', 'data-change': c.id, 'data-kind': c.kind, 'data-state': c.state},
    h('h2', {}, c.kind === 'playlist' ? `节目单：${c.label}` : c.kind === 'calendar' ? `开放时间：${c.label}` : '通知', h('span', {class: 'muted'}, `（${c.author} 于 ${shortTime(c.created)} 提交）`)),
    c.state !== 'pending' ? h('p', {}, h('span', {class: `state-word ${c.state}`, 'data-role': 'state'}, c.state_text),
      c.decided_by ? h('span', {class: 'muted'}, `（${c.decided_by}，${shortTime(c.decided)}）`) : null) : null,
    c.kind === 'playlist'
      ? h('div', {},
        h('div', {class: 'before-after'},
          h('section', {}, h('h3', {}, '之前'), titles(c.before)),
          h('section', {}, h('h3', {}, '之后'), titles(c.after))),
        h('details', {}, h('summary', {}, '逐行改动（- 删去，+ 新增）'), diffView(c.diff)))
      : c.kind === 'calendar' ? h('div', {}, h('h3', {}, '改动'), h('pre', {class: 'diff'}, c.diff || '内容没有变化'))
        : noticeView(c.after || {}, c.label),
    c.state !== 'pending' ? null : canDecide ? h('div', {class: 'actions'},
      h('button', {type: 'button', class: 'big primary', 'data-action': 'approve', onclick: () => approve(c, box, me)}, '批准并发布'),
      h('button', {type: 'button', class: 'big danger', 'data-action': 'reject', onclick: () => reject(c, box, me)}, '退回'))
      : h('p', {class: 'muted'}, '等待审核人员处理。'));
}

// 紧急通知（未经审核）: each with who sent it and when; 已复核 takes it off the list.
function urgentList(list, box, me) {
  if (!list.length) return null;
  return h('section', {id: 'urgent-review'}, h('h2', {}, `紧急通知（未经审核）：${list.length} 条待复核`),
    h('p', {class: 'muted'}, '编辑发布紧急通知不用等待审核，马上显示；请事后看一遍，没有问题就点“已复核”，有问题可到“紧急通知”页撤下。'),
    h('table', {},
      h('thead', {}, h('tr', {}, ['发布时间', '发布人', '屏幕和内容', ''].map((x) => h('th', {}, x)))),
      h('tbody', {}, list.map((u) => h('tr', {'data-urgent': u.id},
        h('td', {class: 'nowrap'}, shortTime(u.at)),
        h('td', {}, u.by),
        h('td', {}, h('pre', {class: 'plain'}, u.detail)),
        h('td', {}, h('button', {type: 'button', class: 'big', 'data-action': 'reviewed', onclick: async () => {
          const d = await api.post('/api/approvals/reviewed', {id: u.id});
          toast(d.ok ? d.data.message : d.data.error, !d.ok);
          waitingChanged();
          load(box, me);
        }}, '已复核')))))));
}

async function load(box, me) {
  const canDecide = me.role !== 'editor';
  const [r, urgent, mine] = await Promise.all([
    api.get('/api/approvals'),
    canDecide ? api.get('/api/approvals/urgent') : Promise.resolve({ok: true, data: []}),
    canDecide ? Promise.resolve({ok: true, data: []}) : api.get('/api/approvals', {mine: '1'}),
  ]);
  if (!r.ok) return;
  const decided = mine.ok ? mine.data.filter((c) => c.state === 'rejected' || c.state === 'approved').slice(0, 10) : [];
  clear(box,
    urgent.ok ? urgentList(urgent.data, box, me) : null,
    h('h2', {}, r.data.length ? `等待审核：${r.data.length} 项` : '等待审核'),
    r.data.length === 0 ? h('p', {}, '没有等待审核的修改。') : r.data.map((c) => changeCard(c, box, me, canDecide)),
    decided.length ? [h('h2', {}, '我提交的修改：审核结果'), decided.map((c) => changeCard(c, box, me, false))] : null);
}

export default async function approvalsPage(main, me) {
  const box = h('div', {id: 'approvals'});
  const recent = h('section', {id: 'approved-recent'});
  main.append(h('p', {class: 'muted'}, me.require_approval ? '现在编辑的修改要经过审核才发布。' : '现在不需要审核（管理员可在“用户”页打开）。'),
    h('section', {id: 'approval-receipt', 'aria-live': 'polite'}), box, recent);
  await load(box, me);
  await recentApproved(recent);
}
