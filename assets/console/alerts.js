// 告警: what is wrong now (open alerts, red, first), what was wrong (past alerts), where each
// message went (已送达 / 发送失败：…，将在 HH:MM 重试), the channels IT set in console.json with
// a 发送测试 each, and the rules (admins edit them; everyone reads them).
import {h, clear, toast} from './dom.js';
import * as api from './api.js';

const days = ['一', '二', '三', '四', '五', '六', '日'];

function deliveries(list) {
  if (!list.length) return h('p', {class: 'muted'}, '没有设置发送渠道，这条告警只记在这里。');
  return h('ul', {class: 'deliveries'}, list.map((d) => h('li', {class: d.ok ? 'ok' : d.failed ? 'bad' : ''},
    `${d.channel}（${d.event}）：${d.state}`)));
}

function alertCard(a) {
  return h('article', {class: a.open ? 'card alert open' : 'card alert', 'data-open': a.open ? '1' : '0'},
    h('h3', {}, `${a.screen} · ${a.rule}`),
    h('p', {}, a.text),
    a.recovery ? h('p', {class: 'recovered'}, a.recovery) : null,
    h('p', {class: 'muted'}, [`开始于 ${a.since}`, `告警于 ${a.raised}`, a.reminded ? `上次提醒 ${a.reminded}` : '',
      a.cleared ? `恢复于 ${a.cleared}` : ''].filter((x) => x).join('，')),
    deliveries(a.deliveries));
}

function channels(list, canEdit, reload) {
  if (!list.length) {
    return h('p', {}, '还没有发送渠道：告警只显示在这一页。请信息科在控制台的设置文件 console.json 里添加企业微信、钉钉、网络接口或邮箱（见管理员文档）。');
  }
  return h('table', {id: 'alert-channels'},
    h('thead', {}, h('tr', {}, ['名称', '方式', '上次测试', ''].map((x) => h('th', {}, x)))),
    h('tbody', {}, list.map((c) => h('tr', {},
      h('td', {}, c.name), h('td', {}, c.kind),
      h('td', {class: c.test && c.test.failed ? 'bad' : ''}, c.test ? c.test.state : '还没有测试过'),
      h('td', {}, canEdit ? h('button', {type: 'button', onclick: async () => {
        const x = await api.post('/api/alerts/test', {channel: c.id});
        toast(x.ok ? x.data.message : x.data.error, !x.ok);
        reload();
      }}, '发送测试') : null)))));
}

function number(label, name, value, attrs, unit) {
  return h('label', {}, label, ' ', h('input', {type: 'number', name, value, class: 'short', step: 'any', ...attrs}), ' ', unit);
}

function ruleForm(r, reload) {
  const form = h('form', {class: 'card rule', 'data-kind': r.kind, onsubmit: async (e) => {
    e.preventDefault();
    const v = (name) => form.querySelector(`[name="${name}"]`);
    const body = {kind: r.kind, enabled: v('enabled').checked, minutes: Number(v('minutes').value),
      threshold: v('threshold') ? Number(v('threshold').value) : 0, remind_hours: Number(v('remind_hours').value),
      open_from: v('open_from').value, open_until: v('open_until').value,
      weekdays: [...form.querySelectorAll('[name="weekday"]:checked')].map((x) => Number(x.value))};
    const x = await api.post('/api/alerts/rules', body);
    toast(x.ok ? x.data.message : x.data.error, !x.ok);
    if (x.ok) reload();
  }},
  h('h3', {}, h('label', {class: 'choice'}, h('input', {type: 'checkbox', name: 'enabled', checked: r.enabled}), r.name)),
  h('p', {class: 'muted'}, `现在：${r.enabled ? '' : '（未开启）'}${r.words}`),
  h('div', {class: 'row'},
    r.kind === 'stale' ? number('内容超过', 'threshold', r.threshold, {min: 0.01, max: 720}, '小时没有更新') : null,
    r.kind === 'disk' ? number('剩余空间低于', 'threshold', r.threshold, {min: 1, max: 95}, '%') : null,
    r.kind === 'temperature' ? number('温度高于', 'threshold', r.threshold, {min: 30, max: 120}, '°C') : null,
    number(['offline', 'standing'].includes(r.kind) ? '持续' : '持续至少', 'minutes', r.minutes, {min: 0, max: 10080}, '分钟才告警'),
    number('未恢复时每', 'remind_hours', r.remind_hours, {min: 0, max: 168}, '小时提醒一次（0：不提醒）')),
  h('div', {class: 'row'},
    h('span', {}, '只在这些时间告警（大厅开放时间）：'),
    h('input', {type: 'text', name: 'open_from', value: r.open_from, class: 'short', 'aria-label': '开始时刻', pattern: '\\d\\d:\\d\\d'}), '至',
    h('input', {type: 'text', name: 'open_until', value: r.open_until, class: 'short', 'aria-label': '结束时刻', pattern: '\\d\\d:\\d\\d'}),
    days.map((d, i) => h('label', {class: 'choice'},
      h('input', {type: 'checkbox', name: 'weekday', value: i + 1, checked: r.weekdays.includes(i + 1)}), `周${d}`)),
    h('button', {type: 'submit', class: 'big'}, '保存')));
  return form;
}

// The alerts and channels, drawn again every 5 s; the rules only at first and after a save
// (an admin typing into a rule is never interrupted).
async function load(box, rulesBox, withRules) {
  const r = await api.get('/api/alerts', {}, {background: true});
  if (!r.ok) return;
  const d = r.data;
  const reload = () => load(box, rulesBox, false);
  clear(box,
    h('section', {id: 'open-alerts'}, h('h2', {}, `正在告警（${d.open.length}）`),
      d.open.length ? d.open.map(alertCard) : h('p', {class: 'ok'}, '现在没有告警。')),
    h('section', {id: 'past-alerts'}, h('h2', {}, '已恢复的告警'),
      d.past.length ? h('details', {open: box.querySelector('#past-alerts details[open]') ? true : null},
        h('summary', {}, `最近 ${d.past.length} 条`), d.past.map(alertCard)) : h('p', {}, '还没有。')),
    h('section', {class: 'card'}, h('h2', {}, '发送渠道'),
      h('p', {class: 'muted'}, '每条告警、提醒和恢复都会发到下面每个渠道；发送失败会在 1、2、4 …… 分钟后自动重试，最长每小时一次。'),
      channels(d.channels, d.can_edit, reload)));
  if (!withRules) return;
  const again = () => load(box, rulesBox, true);
  clear(rulesBox, h('h2', {}, '告警规则'),
    d.can_edit ? h('p', {class: 'muted'}, '规则对所有屏幕生效。开放时间按大厅的作息填写；全天写 00:00 至 24:00。')
      : h('p', {class: 'muted'}, '只有管理员可以修改规则。'),
    d.can_edit ? d.rules.map((rule) => ruleForm(rule, again))
      : h('ul', {}, d.rules.map((rule) => h('li', {}, `${rule.name}：${rule.enabled ? '' : '（未开启）'}${rule.words}`))));
}

export default async function alertsPage(main) {
  const box = h('div', {id: 'alerts'});
  const rulesBox = h('section', {id: 'alert-rules'});
  main.append(box, rulesBox);
  await load(box, rulesBox, true);
  // The page's own refresh: a background request, which does not keep the session alive.
  setInterval(() => load(box, rulesBox, false), 5000);
}
