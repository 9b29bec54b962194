// After the first Tab: what has focus, where it points, and whether a sighted visitor sees it.
const el = document.activeElement;
if (!el || el === document.body) return { focused: null };
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
  focused: cssPath(el),
  what: describeEl(el),
  isLink: el.localName === 'a',
  href,
  target: target ? cssPath(target) : null,
  targetIsMain: !!target && (target.localName === 'main' || target.getAttribute('role') === 'main'
    || !!target.closest('main, [role="main"]') || !!target.querySelector('main')),
  visible: !!hit && (hit === el || el.contains(hit)) && r.width >= 1 && r.height >= 1
    && !isVisuallyHidden(el),
  rect: [Math.round(r.left), Math.round(r.top), Math.round(r.width), Math.round(r.height)],
};
