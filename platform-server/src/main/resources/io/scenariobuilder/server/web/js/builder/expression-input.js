// A JSONata expression input with completions: as the user types a name, the outputs of the nodes before this one
// (nearest first), `trigger` and the rest of the expression context are offered in a list under the input. Arrow keys
// move in the list, Enter or Tab takes the highlighted one, Escape closes it, Ctrl+Space opens it; a click takes one.
import { html, useRef, useState } from '../../vendor/htm-preact-standalone.module.js';
import { completions } from './model.js';

export function ExpressionInput({ inputId, value, onValue, scenario, nodeId, rows = 1, disabled, describedBy }) {
  const input = useRef(null);
  const [offer, setOffer] = useState({ items: [], replace: 0, active: 0 });
  const listId = `${inputId}-completions`;

  const suggest = (text, cursor, force) => {
    const before = text.slice(0, cursor);
    const found = completions(scenario, nodeId, before);
    const typing = found.replace > 0;
    setOffer(force || typing ? { ...found, active: 0 } : { items: [], replace: 0, active: 0 });
  };
  const take = (item) => {
    const element = input.current;
    const cursor = element.selectionStart ?? value.length;
    const text = element.value;
    const next = text.slice(0, cursor - offer.replace) + item + text.slice(cursor);
    onValue(next);
    setOffer({ items: [], replace: 0, active: 0 });
    const at = cursor - offer.replace + item.length;
    requestAnimationFrame(() => {
      element.focus();
      element.setSelectionRange(at, at);
    });
  };
  const keys = (e) => {
    if (e.ctrlKey && e.key === ' ') {
      e.preventDefault();
      suggest(e.target.value, e.target.selectionStart, true);
      return;
    }
    if (!offer.items.length) {
      return;
    }
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setOffer((o) => ({ ...o, active: (o.active + step + o.items.length) % o.items.length }));
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault();
      take(offer.items[offer.active]);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      setOffer({ items: [], replace: 0, active: 0 });
    }
  };
  const props = {
    id: inputId, ref: input, value: value ?? '', disabled, spellcheck: false, autocomplete: 'off', class: 'expression',
    role: 'combobox', 'aria-expanded': offer.items.length > 0, 'aria-controls': listId, 'aria-autocomplete': 'list',
    'aria-describedby': describedBy,
    'aria-activedescendant': offer.items.length ? `${listId}-${offer.active}` : undefined,
    onInput: (e) => {
      onValue(e.target.value);
      suggest(e.target.value, e.target.selectionStart, false);
    },
    onKeyDown: keys,
    onBlur: () => setOffer({ items: [], replace: 0, active: 0 }),
  };
  return html`<span class="expression-input">
    ${rows > 1 ? html`<textarea rows=${rows} ...${props}></textarea>` : html`<input ...${props} />`}
    ${offer.items.length ? html`<ul class="completions" role="listbox" id=${listId} data-testid="completions">
      ${offer.items.map((item, i) => html`<li role="option" id=${`${listId}-${i}`} aria-selected=${i === offer.active} key=${item}
        onMouseDown=${(e) => (e.preventDefault(), take(item))}>${item}</li>`)}</ul>` : null}
  </span>`;
}
