// Which value the page marks as current for each preference: the element's value attribute.
const out = {};
for (const [field, selector] of arguments[0]) {
  const on = document.querySelectorAll(selector);
  out[field] = on.length === 1 ? on[0].getAttribute('value') : null;
}
return { state: out, width: window.innerWidth };
