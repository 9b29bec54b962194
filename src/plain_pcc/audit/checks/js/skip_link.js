// After the first Tab: what has focus, where it points, whether a sighted visitor sees it, and
// what else bypasses blocks (WCAG 2.4.1's sufficient techniques: landmarks and headings).
const main = document.querySelector('main, [role="main"]');
const before = main ? interactive().filter(
  (el) => !main.contains(el) && (el.compareDocumentPosition(main) & Node.DOCUMENT_POSITION_FOLLOWING),
) : [];
const page = {
  main: !!main,
  headings: document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role="heading"]').length,
  blocksBefore: before.length,
};
const el = document.activeElement;
if (!el || el === document.body || el === document.documentElement) {
  return { page, focused: null };
}
const href = el.getAttribute('href') || '';
const target = href.startsWith('#') ? document.getElementById(decodeURIComponent(href.slice(1)))
  : null;
const r = el.getBoundingClientRect();
const vw = document.documentElement.clientWidth;
const vh = document.documentElement.clientHeight;
const cx = (r.left + r.right) / 2;
const cy = (r.top + r.bottom) / 2;
const hit = cx >= 0 && cy >= 0 && cx < vw && cy < vh ? document.elementFromPoint(cx, cy) : null;
return {
  page,
  focused: cssPath(el),
  snippet: snippet(el),
  what: describeEl(el),
  isLink: el.localName === 'a',
  inMain: !!main && main.contains(el),
  target: target ? cssPath(target) : null,
  targetIsMain: !!target && (target === main || (!!main && main.contains(target))
    || (!!main && target.contains(main))),
  visible: !!hit && (hit === el || el.contains(hit)) && r.width >= 1 && r.height >= 1
    && !isVisuallyHidden(el),
  rect: [Math.round(r.left), Math.round(r.top), Math.round(r.width), Math.round(r.height)],
};
