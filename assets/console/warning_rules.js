// 预警 › 发布规则: which region codes go to which screens, which levels publish at once or wait
// for approval, which statuses publish (演练/测试 only on the test screens), and the title.
// Admins edit; everyone else reads the same form, locked. The console's checker decides what
// is right: its message (第 2 条地区规则：…) is shown beside the field it names.
import {h, clear, toast, shortTime} from './dom.js';
import * as api from './api.js';

export const LEVELS = [['red', '红色'], ['orange', '橙色'], ['yellow', '黄色'], ['blue', '蓝色'], ['none', '未标级别']];
const LEVEL_ACTIONS = [['publish', '立即发布'], ['approve', '审核后发布'], ['ignore', '不发布']];
const STATUSES = [['Actual', '正式'], ['Exercise', '演练'], ['Test', '测试']];
const STATUS_ACTIONS = [['publish', '发布'], ['test', '只在测试屏幕显示'], ['ignore', '不发布']];
const CODE_HINT = '地区代码按国家标准 GB/T 2260 填写前几位：2201 = 长春市（市级 4 位），22 = 吉林省（省级 2 位），' +
  '220102 = 南关区（区县 6 位）。预警的地区代码以这几位开头，就发到右边选中的屏幕。';

// The scopes to choose from: every group and screen the console knows (as the notice form
// lists them), and any the rules already name that no screen reports now.
function scopeChoices(scopes, named) {
  const out = scopes.map((s) => [s.scope, s.label]);
  for (const [scope, label] of Object.entries(named || {})) if (!out.some(([s]) => s === scope)) out.push([scope, label]);
  return out;
}

function scopeBoxes(choices, chosen, name, label) {
  return h('div', {class: 'scope-choices', role: 'group', 'aria-label': label},
    choices.map(([scope, words]) => h('label', {class: 'choice-inline'},
      h('input', {type: 'checkbox', name, value: scope, checked: chosen.includes(scope)}), words)));
}

function select(name, options, value, label) {
  return h('select', {name, 'aria-label': label},
    options.map(([v, words]) => h('option', {value: v, selected: v === value ? true : null}, words)));
}

function regionRow(region, choices, n, canEdit = true) {
  const row = h('tr', {class: 'region'},
    h('td', {}, h('input', {type: 'text', name: 'code', value: region.code || '', class: 'region-code', inputmode: 'numeric',
      'aria-label': `第 ${n} 条的地区代码`, placeholder: '例如 2201'})),
    h('td', {}, scopeBoxes(choices, region.scopes || [], 'region-scope', `第 ${n} 条发到哪些屏幕`)),
    h('td', {}, canEdit && h('button', {type: 'button', class: 'danger', 'data-action': 'remove-region',
      onclick: () => { const next = row.nextElementSibling; if (next && next.classList.contains('row-error')) next.remove(); row.remove(); }},
    '删除')));
  return [row, h('tr', {class: 'row-error'}, h('td', {colspan: 3}, h('p', {class: 'field-error', 'data-error': 'region'})))];
}

// The form's rules, in the stored shape (warning-rules/1); what the page does not edit (the
// 系统 status) is kept as it was.
function formRules(form, before) {
  const rules = {format: 'warning-rules/1', regions: [], statuses: {...(before.statuses || {})}, levels: {}, test_scopes: [], title: 'headline'};
  for (const row of form.querySelectorAll('tr.region')) {
    rules.regions.push({code: row.querySelector('[name="code"]').value.trim(),
      scopes: [...row.querySelectorAll('[name="region-scope"]:checked')].map((x) => x.value)});
  }
  for (const [level] of LEVELS) rules.levels[level] = form.querySelector(`[name="level-${level}"]`).value;
  for (const [status] of STATUSES) rules.statuses[status] = form.querySelector(`[name="status-${status}"]`).value;
  rules.test_scopes = [...form.querySelectorAll('[name="test-scope"]:checked')].map((x) => x.value);
  if (form.querySelector('[name="title-kind"][value="template"]').checked) rules.title = form.querySelector('[name="title-template"]').value.trim();
  return rules;
}

// The checker (warning::parse_rules) reads the stored JSON too, so a few of its words are
// about JSON: said here as the form says them.
function formWords(message) {
  return message.replace(/，?写在引号里/g, '').replace(/"(\d+)"/g, '$1').replace(/如 all（全部屏幕）/g, '如“全部屏幕”');
}

// Where the form shows a message of the checker: beside its region row, or its section.
function fieldOf(form, part) {
  const region = /^第\s*(\d+)\s*条地区/.exec(part);
  if (region) return form.querySelectorAll('[data-error="region"]')[Number(region[1]) - 1] || null;
  if (/测试屏幕/.test(part)) return form.querySelector('[data-error="test"]');
  if (/^标题/.test(part)) return form.querySelector('[data-error="title"]');
  if (/red|orange|yellow|blue|none|级别|颜色/.test(part)) return form.querySelector('[data-error="levels"]');
  if (/Actual|Exercise|Test|正式|演练|状态/.test(part)) return form.querySelector('[data-error="statuses"]');
  return null;
}

// The checker's messages (several are joined by ；) each beside the field it is about; the
// rest beside the button, which also says that nothing was saved.
function placeErrors(form, message) {
  for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  // One message may itself hold a ；: a piece that names no field belongs to the one before.
  const parts = [];
  for (const piece of formWords(message).replace(/^(没有保存：)?预警规则没有保存：/, '').split('；')) {
    if (!piece) continue;
    if (parts.length && !fieldOf(form, piece)) parts[parts.length - 1] += `；${piece}`;
    else parts.push(piece);
  }
  const rest = [];
  let first = null;
  for (const part of parts) {
    const box = fieldOf(form, part);
    if (box && /地区代码/.test(part)) {
      const row = box.closest('tr.row-error').previousElementSibling;
      if (row) row.querySelector('[name="code"]').setAttribute('aria-invalid', 'true');
    }
    if (!box) rest.push(part);
    else box.textContent = box.textContent ? `${box.textContent}\n${part}` : part;
    first = first || box;
  }
  form.querySelector('[data-error="form"]').textContent =
    ['发布规则没有保存，请按红字修改后再保存。', ...rest].join('\n');
  (first || form.querySelector('[data-error="form"]')).closest('tr, div, p').scrollIntoView({block: 'center'});
}

export function rulesForm(box, d, scopes, reload) {
  const rules = d.rules || {};
  const choices = scopeChoices(scopes, d.scope_names);
  const titleTemplate = rules.title && rules.title !== 'headline' ? rules.title : '';
  const regionsBody = h('tbody', {}, (rules.regions || []).map((r, k) => regionRow(r, choices, k + 1, d.can_edit)));
  const empty = h('tr', {class: 'no-regions'}, h('td', {colspan: 3, class: 'muted'},
    d.can_edit ? '还没有地区。点“添加地区”，填本地区的地区代码，再勾选发到哪些屏幕。' : '还没有地区。'));
  if (!regionsBody.children.length) regionsBody.append(empty);
  const form = h('form', {class: 'card', id: 'warning-rules-form', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    const x = await api.post('/api/warnings/rules', {rules: formRules(form, rules)});
    if (!x.ok) {
      placeErrors(form, x.data.error || '没有保存，请再试一次');
      return;
    }
    for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
    toast(x.data.message || '发布规则已保存');
    reload();
  }},
  h('fieldset', {disabled: d.can_edit ? null : true},
    h('h3', {}, '地区：哪个地区的预警发到哪些屏幕'),
    h('p', {class: 'muted', id: 'region-hint'}, CODE_HINT),
    h('table', {class: 'rows', id: 'warning-regions'},
      h('thead', {}, h('tr', {}, ['地区代码', '发到哪些屏幕', ''].map((x) => h('th', {}, x)))),
      regionsBody),
    d.can_edit ? h('div', {class: 'actions'}, h('button', {type: 'button', 'data-action': 'add-region', onclick: () => {
      const n = regionsBody.querySelectorAll('tr.region').length + 1;
      const [row, err] = regionRow({code: '', scopes: []}, choices, n);
      empty.remove();
      regionsBody.append(row, err);
      row.querySelector('[name="code"]').focus();
    }}, '添加地区')) : null,
    h('h3', {}, '级别：收到后怎样处理'),
    h('div', {class: 'row', id: 'warning-levels'}, LEVELS.map(([level, words]) => h('label', {class: 'choice-inline'},
      `${words}：`, select(`level-${level}`, LEVEL_ACTIONS, (rules.levels || {})[level] || 'approve', `${words}预警怎样处理`)))),
    h('p', {class: 'field-error', 'data-error': 'levels'}),
    h('p', {class: 'muted'}, '橙色、红色预警在屏幕上整屏显示一次，然后与节目轮流，直到有效期结束；蓝色、黄色和未标级别的在屏幕下方滚动显示。'),
    h('h3', {}, '正式、演练和测试消息'),
    h('div', {class: 'row', id: 'warning-statuses'}, STATUSES.map(([status, words]) => h('label', {class: 'choice-inline'},
      `${words}：`, select(`status-${status}`, STATUS_ACTIONS, (rules.statuses || {})[status] || 'ignore', `${words}消息怎样处理`)))),
    h('p', {class: 'field-error', 'data-error': 'statuses'}),
    h('p', {}, '测试屏幕（“只在测试屏幕显示”的消息只发到这里）：'),
    scopeBoxes(choices, rules.test_scopes || [], 'test-scope', '测试屏幕'),
    h('p', {class: 'field-error', 'data-error': 'test'}),
    h('h3', {}, '屏幕上显示的标题'),
    h('label', {class: 'choice'}, h('input', {type: 'radio', name: 'title-kind', value: 'headline', checked: !titleTemplate}),
      '消息自带标题（没有时写成“长春市气象台发布暴雪橙色预警”这样）'),
    h('label', {class: 'choice'}, h('input', {type: 'radio', name: 'title-kind', value: 'template', checked: !!titleTemplate}),
      '按格式：', h('input', {type: 'text', name: 'title-template', value: titleTemplate, class: 'title-template',
        'aria-label': '标题格式', placeholder: '{sender}发布{event}{level}预警',
        oninput: () => { form.querySelector('[name="title-kind"][value="template"]').checked = true; }})),
    h('p', {class: 'muted'}, '格式里可以用：{sender} 发布单位，{event} 预警种类（如 暴雪），{level} 级别（如 橙色），{area} 地区。'),
    h('p', {class: 'field-error', 'data-error': 'title'}),
    h('p', {class: 'field-error', 'data-error': 'form', role: 'alert'}),
    d.can_edit ? h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'big primary', id: 'warning-rules-save'}, '保存发布规则')) : null));
  const saved = d.rules_saved_by ? h('p', {class: 'muted'}, `上次由 ${d.rules_saved_by} 在 ${shortTime(d.rules_saved_at)} 保存。`) : null;
  clear(box, h('h2', {}, '发布规则'),
    d.can_edit ? null : h('p', {class: 'muted'}, '只有管理员可以修改发布规则。'),
    saved, form);
}
