// Installed before tabbing, in the page and in every same-origin frame. It remembers each
// target's unfocused look, then on every focus records what changed, whether the element can be
// seen, and whether Tab moved focus there or a script did (a script that pulls focus back
// after a moment is a trap that a burst of key presses would never notice).
const PROPS = [
  'outline-style', 'outline-width', 'outline-color', 'outline-offset', 'box-shadow',
  'background-color', 'color', 'border-top-color', 'border-right-color',
  'border-bottom-color', 'border-left-color', 'border-top-width', 'border-bottom-width',
  'border-left-width', 'border-right-width', 'text-decoration-line',
  'text-decoration-thickness', 'text-decoration-color', 'text-underline-offset', 'filter',
];
const look = (el) => {
  const s = el.ownerDocument.defaultView.getComputedStyle(el);
  return PROPS.map((p) => s.getPropertyValue(p));
};
// A walk before this one on the same page stops recording; this one keeps the page as it is
// first, to be put back (or loaded again) before the next.
if (window.__a11yKeyboardStop) window.__a11yKeyboardStop();
keepPage();
const docs = [document, ...frameDocs()];
const targets = docs.flatMap((doc) => interactiveIn(doc))
  .filter((el) => !(el.localName === 'iframe' && frameDocs().includes(el.contentDocument)));
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
// Where the element is on the top page: a frame's offset added to its own box.
const topRects = (el) => {
  let dx = 0; let dy = 0;
  for (let win = el.ownerDocument.defaultView; win.frameElement; win = win.parent) {
    const fr = win.frameElement.getBoundingClientRect();
    dx += fr.left; dy += fr.top;
  }
  return Array.from(el.getClientRects()).map((r) => ({ left: r.left + dx, top: r.top + dy,
    right: r.right + dx, bottom: r.bottom + dy, width: r.width, height: r.height }));
};
const hitTest = (el, x, y) => {
  let hit = document.elementFromPoint(x, y);
  // Inside a frame the top page sees the frame: ask the frame's document.
  while (hit && (hit.localName === 'iframe' || hit.localName === 'frame') && hit.contentDocument) {
    const fr = hit.getBoundingClientRect();
    x -= fr.left; y -= fr.top;
    hit = hit.contentDocument.elementFromPoint(x, y);
  }
  return hit;
};
const seenBy = (el) => {
  const vw = document.documentElement.clientWidth;
  const vh = document.documentElement.clientHeight;
  const rects = topRects(el);
  for (const r of rects) {
    const points = [
      [(r.left + r.right) / 2, (r.top + r.bottom) / 2],
      [r.left + 2, r.top + 2], [r.right - 2, r.top + 2],
      [r.left + 2, r.bottom - 2], [r.right - 2, r.bottom - 2],
    ];
    for (const [x, y] of points) {
      if (x < 0 || y < 0 || x >= vw || y >= vh) continue;
      const hit = hitTest(el, x, y);
      if (hit && (hit === el || el.contains(hit))) return { visible: true };
    }
  }
  const r = rects[0] || { left: 0, top: 0, width: 0, height: 0, right: 0, bottom: 0 };
  const centre = hitTest(el, (r.left + r.right) / 2, (r.top + r.bottom) / 2);
  return {
    visible: false,
    rect: [Math.round(r.left), Math.round(r.top), Math.round(r.width), Math.round(r.height)],
    coveredBy: centre ? cssPath(centre) : null,
  };
};
const log = {
  targets: targets.map((el) => ({
    selector: cssPath(el), what: describeEl(el), snippet: snippet(el),
    // A radio group is one Tab stop; the arrow keys move within it (HTML, WAI-ARIA APG).
    group: el.localName === 'input' && el.type === 'radio' && el.name
      ? `${el.form ? cssPath(el.form) : ''}|${el.name}` : null,
  })),
  focused: [], keys: [], pending: false, entering: false,
};
window.__a11yKeyboardLog = log;
const activeDeep = () => {
  let a = document.activeElement;
  while (a && (a.localName === 'iframe' || a.localName === 'frame') && a.contentDocument
    && a.contentDocument.activeElement && a.contentDocument.activeElement !== a.contentDocument.body) {
    a = a.contentDocument.activeElement;
  }
  return a && a !== document.body ? cssPath(a) : null;
};
const listening = [];
const listen = (target, type, handler) => {
  target.addEventListener(type, handler, true);
  listening.push([target, type, handler]);
};
Object.defineProperty(window, '__a11yKeyboardStop', {
  configurable: true,
  value: () => listening.forEach(([t, type, h]) => t.removeEventListener(type, h, true)),
});
for (const doc of docs) {
  listen(doc, 'focusin', (event) => {
    const el = event.target;
    if (frameDocs().includes(el.contentDocument)) return;  // its content records itself
    const own = changes(el);
    const parent = el.parentElement ? changes(el.parentElement) : null;
    log.focused.push({
      index: targets.indexOf(el),
      selector: cssPath(el),
      snippet: snippet(el),
      what: describeEl(el),
      known: own !== null,
      indicator: [...(own || []), ...(parent || []).map((p) => 'parent ' + p)],
      seen: seenBy(el),
      // Tab's own move lands within the key press's task; a script's comes later. Focus coming
      // back into the page from the browser's own controls (after the last element) may also
      // arrive later, and is Tab's doing too.
      byKey: log.pending || log.entering,
      key: log.keys.length,
    });
    log.entering = false;
  });
  listen(doc.defaultView, 'keydown', (event) => {
    if (event.key !== 'Tab') return;
    const at = activeDeep();
    log.keys.push({ shift: event.shiftKey, at });
    log.entering = at === null;
    log.pending = true;
    setTimeout(() => { log.pending = false; }, 0);
  });
}
return targets.length;
