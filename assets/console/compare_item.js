// 新旧对照 (issue 30) on the playlist form: an item of kind "compare" shows a regulation as it
// was and as it is, article beside article. The clerk gives the two texts (修订前的文本 and
// 修订后的文本, each a page on the portal) or — the other choice — one 新旧对照表 page already
// published, and may give the 施行日期 (else the screen reads it from the new text). The
// playlist JSON: {"kind": "compare", "old": URL, "new": URL, "effective": "2019-05-15"} or
// {"kind": "compare", "source": URL}. Fields of the choice not made stay in the form (the
// clerk may switch back) and are not sent.
import {h, clear} from './dom.js';
import * as api from './api.js';

// The item's keys this part reads and writes (playlist.js keeps every other key as it was).
export const compareKeys = ['old', 'new', 'effective'];

// The form's compare fields from a playlist item.
export function compareFrom(item) {
  const table = item.kind === 'compare' && item.old === undefined && item.new === undefined && !!item.source;
  return {
    old: typeof item.old === 'string' ? item.old : '',
    new: typeof item.new === 'string' ? item.new : '',
    effective: typeof item.effective === 'string' ? item.effective : '',
    pair: table ? 'table' : 'two',
  };
}

// Into the playlist item: the addresses of the choice made (an empty one is sent empty, so
// the checker's 请填写… lands beside that field), and the date when one is given.
export function compareInto(item, m) {
  item.kind = 'compare';
  if (m.pair === 'table') {
    item.source = m.source.trim();
  } else {
    item.old = m.old.trim();
    item.new = m.new.trim();
  }
  if (m.effective.trim()) item.effective = m.effective.trim();
}

// A regulation's name as a clerk writes it: in 《》 unless it already has them.
export function bookTitle(title) {
  const t = (title || '').trim();
  if (!t) return '';
  return /^《.*》/.test(t) ? t : `《${t}》`;
}

// What the item list calls a compare item: 新旧对照：《中华人民共和国政府信息公开条例》.
export function compareName(m) {
  return `新旧对照：${bookTitle(m.title) || '（还没有标题）'}`;
}

// 读取: what the kiosk's extraction finds at an address, in `box`; `found(title)` is told the
// page's title (the form fills 标题 with it when empty).
// `want` is what the field needs: 'articles' (a regulation's text, 第一条…) or 'table' (a
// published 对照表); a page without it is said so at once, not first on the hall's screen.
export async function readAddress(address, box, found, want) {
  clear(box, '正在读取…');
  const r = await api.post('/api/extract', {url: address.trim()});
  if (!r.ok) return clear(box, h('p', {class: 'error'}, r.data.error));
  const d = r.data;
  found(d.title);
  const warning = want === 'articles' && !d.articles
    ? '这一页里没有找到“第一条”这样的条文编号，不像法规的正文：这样的对照做不出来，屏幕上不会显示这一项。请换成法规全文那一页的网址'
    : want === 'table' && !d.tables
      ? '这一页里没有表格，不像新旧对照表：这样的对照做不出来，屏幕上不会显示这一项。请换成对照表那一页的网址，或改选“修订前、修订后两份文本”'
      : '';
  clear(box, h('p', {}, h('strong', {}, '找到：'), `“${d.title}”，${d.chars} 字，${d.blocks} 段`,
    d.articles ? `，${d.articles} 条` : '', d.tables ? `，${d.tables} 个表格` : '', d.images ? `，${d.images} 张图` : ''),
  warning ? h('p', {class: 'error'}, warning) : '',
  h('ol', {class: 'excerpt'}, d.paragraphs.map((p) => h('li', {}, p))));
}

// The compare item's fields: the choice, the addresses (each with 读取 and its checker
// message below it), the 施行日期. `slot(field)` is the form's message place for a field;
// `rerender()` draws the form again; `fillTitle(title)` sets 标题 when it is empty.
export function compareFields(m, i, {slot, rerender, fillTitle}) {
  const address = (key, label, hint) => {
    const box = h('div', {class: 'extract', 'aria-live': 'polite'});
    const id = `${key}-${i}`;
    return [
      h('label', {for: id}, label, h('span', {class: 'muted'}, hint)),
      h('div', {class: 'row'},
        h('input', {id, type: 'url', value: m[key], 'data-item': i, 'data-input': key,
          placeholder: 'https://www.changchun.gov.cn/…', oninput: (e) => { m[key] = e.target.value; }}),
        h('button', {type: 'button', onclick: () => readAddress(m[key], box, fillTitle, key === 'source' ? 'table' : 'articles')}, '读取')),
      slot(key), box];
  };
  const choice = (value, label) => h('label', {class: 'choice-inline'},
    h('input', {type: 'radio', name: `pair-${i}`, value, checked: m.pair === value,
      'data-item': i, 'data-input': 'pair', onchange: () => { m.pair = value; rerender(); }}), label);
  return h('div', {class: 'compare-fields'},
    h('div', {class: 'row', role: 'radiogroup', 'aria-label': '新旧对照的来源'},
      choice('two', '修订前、修订后两份文本'),
      choice('table', '一个已发布的新旧对照表页面')),
    m.pair === 'table'
      ? address('source', '新旧对照表页面的网址', '（表头写着“修订前”“修订后”或“原条文”“新条文”的网页）')
      : [address('old', '修订前的文本', '（门户网站上修订前那一版的网址）'),
        address('new', '修订后的文本', '（门户网站上修订后那一版的网址）')],
    h('label', {for: `effective-${i}`}, '施行日期'),
    h('div', {class: 'row'},
      h('input', {id: `effective-${i}`, type: 'date', value: m.effective, 'data-item': i, 'data-input': 'effective',
        onchange: (e) => { m.effective = e.target.value; }}),
      h('span', {class: 'muted'}, '可以不填：不填时从修订后的文本里读出（如“本条例自2019年5月15日起施行”）')),
    slot('effective'));
}
