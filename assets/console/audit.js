// 操作日志: every action — who, when, from where, what changed (in words: 第 2 项「办事指南」
// 时段 08:30-12:00 → 08:30-17:00) — filtered by person, kind, words and days; exported as
// CSV. The console names the actions and the objects (screens and groups by their names).
import {h, clear} from './dom.js';
import * as api from './api.js';

export const actionNames = {
  login: '登录', logout: '退出', login_failed: '登录失败', login_throttled: '登录被暂停', refused: '请求被拒绝',
  publish_playlist: '发布节目单', submit_playlist: '提交节目单审核', publish_notice: '发布通知', submit_notice: '提交通知审核',
  clear_notice: '撤下通知', approve: '批准', reject: '退回', screenshot: '截屏', refresh: '立即刷新',
  add_user: '添加用户', update_user: '修改用户', settings: '修改设置',
  urgent_unreviewed: '紧急通知（未经审核）', urgent_reviewed: '紧急通知已复核',
};

function filters(form) {
  return Object.fromEntries(['user', 'action', 'text', 'from', 'until'].map((k) => [k, form.querySelector(`[name="${k}"]`).value.trim()]));
}

function details(e) {
  const lines = (e.summary || '').split('\n').filter((l) => l);
  return [
    lines.length ? h('div', {class: 'summary'}, lines.map((l) => h('div', {class: /^(新增|删除|第 \d+ 项|「)/.test(l) ? 'change' : ''}, l))) : null,
    e.diff ? h('details', {class: 'old-diff'}, h('summary', {}, '查看原始记录'), h('pre', {class: 'diff small'},
      e.diff.split('\n').map((line) => h('span', {class: line.startsWith('+ ') ? 'added' : line.startsWith('- ') ? 'removed' : ''}, line + '\n')))) : null,
  ];
}

async function load(form, box, link) {
  const f = filters(form);
  link.href = '/api/audit.csv?' + new URLSearchParams(Object.entries(f).filter(([, v]) => v)).toString();
  const r = await api.get('/api/audit', f);
  if (!r.ok) return;
  clear(box, r.data.length === 0 ? h('p', {}, '没有符合条件的记录。') : h('table', {id: 'audit-table'},
    h('colgroup', {}, ['time', 'user', 'address', 'action', 'target', 'detail'].map((c) => h('col', {class: `col-${c}`}))),
    h('thead', {}, h('tr', {}, ['时间', '用户', '地址', '操作', '对象', '详情'].map((x) => h('th', {}, x)))),
    h('tbody', {}, r.data.map((e) => h('tr', {'data-action': e.action},
      h('td', {class: 'nowrap'}, e.at.replace('T', ' ')),
      h('td', {class: 'user'}, e.user_name || e.user),
      h('td', {class: 'address'}, e.address_name || e.address),
      h('td', {class: 'action nowrap'}, e.action_name || actionNames[e.action] || e.action),
      h('td', {class: 'target'}, e.target_name || e.target),
      h('td', {class: 'detail'}, details(e)))))));
}

export default async function auditPage(main) {
  const box = h('div', {id: 'audit'});
  const link = h('a', {class: 'button', href: '/api/audit.csv', download: 'audit.csv'}, '导出 CSV');
  const known = await api.get('/api/audit/actions');
  const actions = known.ok ? known.data.map((a) => [a.action, a.name]) : Object.entries(actionNames);
  const form = h('form', {class: 'row filters', onsubmit: (e) => { e.preventDefault(); load(form, box, link); }},
    h('label', {}, '用户 ', h('input', {name: 'user', class: 'short'})),
    h('label', {}, '操作 ', h('select', {name: 'action'}, h('option', {value: ''}, '全部'),
      actions.map(([k, v]) => h('option', {value: k}, v)))),
    h('label', {}, '包含文字 ', h('input', {name: 'text', class: 'short'})),
    h('label', {}, '从 ', h('input', {name: 'from', type: 'date'})),
    h('label', {}, '到 ', h('input', {name: 'until', type: 'date'})),
    h('button', {type: 'submit', class: 'big'}, '筛选'), link);
  main.append(form, box);
  await load(form, box, link);
}
