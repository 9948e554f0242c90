// 用户 (admin only): accounts with roles 编辑 / 审核 / 管理员, and whether editors' changes
// need approval.
import {h, clear, toast, roleNames} from './dom.js';
import * as api from './api.js';
import {ask} from './dialog.js';

// 重设密码: typed twice in a form in the page (never the browser's prompt(), where the
// password shows); the account's sessions end.
async function resetPassword(u) {
  const answer = await ask({title: `重设 ${u.name} 的密码`, ok: '保存新密码',
    text: `保存后，${u.name} 在各处的登录都会结束，要用新密码重新登录。`,
    fields: [
      {name: 'password', label: '新密码（至少 8 个字符）', type: 'password', required: true, minlength: 8,
        check: (v) => v.password.length < 8 ? '密码至少要 8 个字符' : ''},
      {name: 'again', label: '再输入一次新密码', type: 'password', required: true,
        check: (v) => v.again !== v.password ? '两次输入的密码不一样，请重新输入' : ''},
    ]});
  if (!answer) return;
  const x = await api.post('/api/users/update', {name: u.name, password: answer.password});
  toast(x.ok ? `已重设 ${u.name} 的密码` : x.data.error, !x.ok);
}

async function saveSetting(body, said) {
  const x = await api.post('/api/settings', body);
  toast(x.ok ? said(x.data) : x.data.error, !x.ok);
  return x;
}

async function load(box) {
  const r = await api.get('/api/users');
  if (!r.ok) return;
  const roleSelect = (u) => h('select', {'aria-label': `${u.name} 的角色`, onchange: async (e) => {
    const x = await api.post('/api/users/update', {name: u.name, role: e.target.value});
    toast(x.ok ? x.data.message : x.data.error, !x.ok);
    load(box);
  }}, Object.entries(roleNames).map(([k, v]) => h('option', {value: k, selected: u.role === k}, v)));
  clear(box,
    h('section', {class: 'card'}, h('h2', {}, '审核'),
      h('label', {class: 'choice'}, h('input', {type: 'checkbox', id: 'require-approval', checked: r.data.require_approval,
        onchange: (e) => saveSetting({require_approval: e.target.checked},
          (d) => d.require_approval ? '已打开：编辑的修改要审核后才发布' : '已关闭：编辑可以直接发布')}),
      '编辑的修改要经过审核才发布'),
      h('label', {class: 'choice'}, h('input', {type: 'checkbox', id: 'urgent-needs-approval', checked: r.data.urgent_needs_approval,
        onchange: (e) => saveSetting({urgent_needs_approval: e.target.checked},
          (d) => d.urgent_needs_approval ? '已打开：编辑的紧急通知也要审核后才显示' : '已关闭：编辑的紧急通知马上显示，审核人员事后复核')}),
      '编辑的紧急通知也要先审核（不勾选：马上显示，审核人员事后复核）')),
    h('section', {class: 'card'}, h('h2', {}, '登录'),
      h('form', {class: 'row', id: 'session-form', onsubmit: async (e) => {
        e.preventDefault();
        const hours = Number(e.target.querySelector('#session-max-hours').value);
        await saveSetting({session_max_hours: hours}, (d) => `已保存：登录最长 ${d.session_max_hours} 小时`);
      }},
      h('label', {for: 'session-max-hours'}, '一次登录最长'),
      h('input', {id: 'session-max-hours', type: 'number', min: 1, max: 168, step: 1, class: 'short', value: r.data.session_max_hours}),
      h('span', {}, '小时（一直在用也会在这之后要求重新登录；有一段时间不用会更早结束）'),
      h('button', {type: 'submit', class: 'big'}, '保存'))),
    h('table', {id: 'users-table'},
      h('thead', {}, h('tr', {}, ['用户名', '角色', '状态', '创建于', ''].map((x) => h('th', {}, x)))),
      h('tbody', {}, r.data.users.map((u) => h('tr', {'data-user': u.name},
        h('td', {}, u.name), h('td', {}, roleSelect(u)), h('td', {}, u.disabled ? '已停用' : '正常'),
        h('td', {}, u.created.replace('T', ' ')),
        h('td', {},
          h('button', {type: 'button', onclick: async () => {
            const x = await api.post('/api/users/update', {name: u.name, disabled: !u.disabled});
            toast(x.ok ? x.data.message : x.data.error, !x.ok);
            load(box);
          }}, u.disabled ? '启用' : '停用'),
          h('button', {type: 'button', 'data-action': 'reset-password', onclick: () => resetPassword(u)}, '重设密码')))))));
}

export default async function usersPage(main) {
  const box = h('div', {id: 'users'});
  const form = h('form', {class: 'card', id: 'add-user', onsubmit: async (e) => {
    e.preventDefault();
    const x = await api.post('/api/users', {name: form.querySelector('#new-name').value.trim(),
      role: form.querySelector('#new-role').value, password: form.querySelector('#new-password').value});
    toast(x.ok ? x.data.message : x.data.error, !x.ok);
    if (x.ok) form.reset();
    load(box);
  }},
  h('h2', {}, '添加用户'),
  h('div', {class: 'row'},
    h('label', {}, '用户名 ', h('input', {id: 'new-name', required: true, pattern: '[A-Za-z0-9._-]+', title: '字母、数字、- _ .'})),
    h('label', {}, '角色 ', h('select', {id: 'new-role'}, Object.entries(roleNames).map(([k, v]) => h('option', {value: k}, v)))),
    h('label', {}, '密码 ', h('input', {id: 'new-password', type: 'password', minlength: 8, required: true, autocomplete: 'new-password'})),
    h('button', {type: 'submit', class: 'big primary'}, '添加')));
  main.append(box, form);
  await load(box);
}
