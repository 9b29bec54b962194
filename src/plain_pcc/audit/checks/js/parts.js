// WCAG 3.2.3 and 3.2.6: the items of each repeated part, in document order.
const out = {};
for (const part of arguments[0]) {
  const items = Array.from(document.querySelectorAll(part.selector));
  out[part.name] = items.map((el) => (part.read === 'href'
    ? (el.getAttribute('href') || '').trim() : (el.textContent || '').trim().replace(/\s+/g, ' ')));
}
return out;
