// Questions asked in the page (never the browser's confirm() or prompt()): a <dialog> with
// what will happen in words, the fields it needs, and two buttons. Resolves with the fields'
// values (an object) when confirmed, null when cancelled.
import {h} from './dom.js';

// fields: [{name, label, type ('text' | 'password' | 'textarea'), required, minlength, check(values) -> message}]
export function ask({title, text, ok, danger = false, fields = [], cancel = '取消'}) {
  return new Promise((resolve) => {
    const error = h('p', {class: 'error', role: 'alert'});
    const inputs = fields.map((f) => {
      const attrs = {id: `dialog-${f.name}`, name: f.name, required: !!f.required, minlength: f.minlength,
        autocomplete: f.type === 'password' ? 'new-password' : 'off'};
      return [f, f.type === 'textarea' ? h('textarea', {...attrs, rows: 3}) : h('input', {...attrs, type: f.type || 'text'})];
    });
    let done = false;
    const finish = (value) => {
      if (done) return;
      done = true;
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    const form = h('form', {method: 'dialog', novalidate: true, onsubmit: (e) => {
      e.preventDefault();
      const values = Object.fromEntries(inputs.map(([f, el]) => [f.name, el.value]));
      for (const [f, el] of inputs) {
        const message = (f.required && !el.value.trim()) ? `请填写${f.label}` : (f.check ? f.check(values) : '');
        if (message) {
          error.textContent = message;
          el.setAttribute('aria-invalid', 'true');
          el.focus();
          return;
        }
        el.removeAttribute('aria-invalid');
      }
      finish(values);
    }},
    h('h2', {}, title),
    text ? (Array.isArray(text) ? text.map((t) => h('p', {}, t)) : h('p', {}, text)) : null,
    inputs.map(([f, el]) => [h('label', {for: el.id}, f.label), el]),
    error,
    h('div', {class: 'actions'},
      h('button', {type: 'submit', class: 'big ' + (danger ? 'danger-fill' : 'primary'), 'data-dialog': 'ok'}, ok),
      h('button', {type: 'button', class: 'big', 'data-dialog': 'cancel', onclick: () => finish(null)}, cancel)));
    // A message about what was typed goes once the clerk types again.
    form.addEventListener('input', (e) => {
      error.textContent = '';
      e.target.removeAttribute('aria-invalid');
    });
    const dialog = h('dialog', {class: 'ask', 'aria-labelledby': 'dialog-title'}, form);
    form.querySelector('h2').id = 'dialog-title';
    dialog.addEventListener('cancel', (e) => { e.preventDefault(); finish(null); });  // Esc
    document.body.append(dialog);
    dialog.showModal();
    const first = inputs.length ? inputs[0][1] : dialog.querySelector('[data-dialog=ok]');
    first.focus();
  });
}
