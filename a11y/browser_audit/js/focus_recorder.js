// Installed before tabbing: remembers each target's unfocused look, then on every focus
// records what changed and whether the focused element can be seen. Chromium scrolls the
// element into view before it fires focusin, so positions measured here are the visitor's.
const PROPS = [
  'outline-style', 'outline-width', 'outline-color', 'outline-offset', 'box-shadow',
  'background-color', 'color', 'border-top-color', 'border-right-color',
  'border-bottom-color', 'border-left-color', 'border-top-width', 'border-bottom-width',
  'border-left-width', 'border-right-width', 'text-decoration-line',
  'text-decoration-thickness', 'text-decoration-color', 'text-underline-offset', 'filter',
];
const look = (el) => {
  const s = getComputedStyle(el);
  return PROPS.map((p) => s.getPropertyValue(p));
};
const targets = interactive();
const baseline = new Map();
for (const el of targets) {
  baseline.set(el, look(el));
  if (el.parentElement) baseline.set(el.parentElement, look(el.parentElement));
}
const changes = (el) => {
  const before = baseline.get(el);
  if (!before) return null;
  const now = look(el);
  const out = [];
  PROPS.forEach((p, i) => {
    if (now[i] === before[i]) return;
    // An outline that turns off, or a shadow that goes, is not an indicator of focus.
    if (p.startsWith('outline') && (now[0] === 'none' || parseFloat(now[1]) === 0)) return;
    if (p === 'box-shadow' && now[i] === 'none') return;
    out.push(p);
  });
  return out;
};
const seenBy = (el) => {
  const vw = document.documentElement.clientWidth;
  const vh = document.documentElement.clientHeight;
  for (const r of el.getClientRects()) {
    const points = [
      [(r.left + r.right) / 2, (r.top + r.bottom) / 2],
      [r.left + 2, r.top + 2], [r.right - 2, r.top + 2],
      [r.left + 2, r.bottom - 2], [r.right - 2, r.bottom - 2],
    ];
    for (const [x, y] of points) {
      if (x < 0 || y < 0 || x >= vw || y >= vh) continue;
      const hit = document.elementFromPoint(x, y);
      if (hit && (hit === el || el.contains(hit))) return { visible: true };
    }
  }
  const r = el.getBoundingClientRect();
  const centre = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
  return {
    visible: false,
    rect: [Math.round(r.left), Math.round(r.top), Math.round(r.width), Math.round(r.height)],
    coveredBy: centre ? cssPath(centre) : null,
  };
};
const log = { targets: targets.map((el) => ({ selector: cssPath(el), what: describeEl(el) })),
  focused: [], tabs: [] };
window.__a11yFocusLog = log;
document.addEventListener('focusin', (event) => {
  const el = event.target;
  const own = changes(el);
  const parent = el.parentElement ? changes(el.parentElement) : null;
  log.focused.push({
    index: targets.indexOf(el),
    selector: cssPath(el),
    what: describeEl(el),
    known: own !== null,
    indicator: [...(own || []), ...(parent || []).map((p) => 'parent ' + p)],
    seen: seenBy(el),
  });
}, true);
// Where focus was each time Tab went down: the same element twice running is a trap.
window.addEventListener('keydown', (event) => {
  if (event.key === 'Tab') {
    const a = document.activeElement;
    log.tabs.push(a && a !== document.body ? cssPath(a) : null);
  }
}, true);
return targets.length;
