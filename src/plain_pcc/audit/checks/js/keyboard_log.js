// The keyboard walk's log (keyboard.js), arguments[0] ms after its last key press, on the
// page's own clock: a handler the page set to fire sooner has fired.
const [wait, done] = arguments;
setTimeout(() => done(window.__a11yKeyboardLog), wait);
