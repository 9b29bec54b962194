// The keyboard walk's log (keyboard.js), arguments[0] ms after its last key press, on the
// page's own clock: a handler the page set to fire sooner has fired. With arguments[1], in the
// same round trip, the walk stops recording and its keys are undone for a walk back
// (undoKeys in helpers.js; arguments[2]: whether the page can run script of its own), and the
// answer is {log, kept}.
const [wait, undo, scripted, done] = arguments;
setTimeout(() => {
  const log = window.__a11yKeyboardLog;
  if (!undo) { done(log); return; }
  if (window.__a11yKeyboardStop) window.__a11yKeyboardStop();
  undoKeys(scripted, (kept) => done({ log, kept }));
}, wait);
