// 用户 (admin only): accounts with roles 编辑 / 审核 / 管理员, and whether editors' changes
// need approval.
import {h, clear, toast, roleNames} from './dom.js';
import * as api from './api.js';

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
        onchange: async (e) => {
          const x = await api.post('/api/settings', {require_approval: e.target.checked});
          toast(x.ok ? (x.data.require_approval ? '已打开：编辑的修改要审核后才发布' : '已关闭：编辑可以直接发布') : x.data.error, !x.ok);
        }}), '编辑的修改要经过审核才发布')),
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
          h('button', {type: 'button', onclick: async () => {
            const password = prompt(`${u.name} 的新密码（至少 8 个字符）`);
            if (!password) return;
            const x = await api.post('/api/users/update', {name: u.name, password});
            toast(x.ok ? '密码已修改' : x.data.error, !x.ok);
          }}, '重设密码')))))));
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
