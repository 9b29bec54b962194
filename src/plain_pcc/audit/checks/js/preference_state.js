// Read as each cell's page has loaded: which value the page marks as current for each
// preference (the element's value attribute), the viewport's width, whether each emulated
// media query matches, and whether the page is an HTML document.
const [preferences, queries = []] = arguments;
const out = {};
for (const [field, selector] of preferences) {
  const on = document.querySelectorAll(selector);
  out[field] = on.length === 1 ? on[0].getAttribute('value') : null;
}
return {
  state: out,
  width: window.innerWidth,
  media: queries.map((query) => matchMedia(query).matches),
  html: IS_HTML,
};
