// The page put back after key presses (undoKeys in helpers.js), a keyboard walk's recording
// stopped if one is on (keyboard.js); then whether the page is as it was kept. arguments[0]:
// whether the page can run script of its own.
if (window.__a11yKeyboardStop) window.__a11yKeyboardStop();
undoKeys(arguments[0], arguments[arguments.length - 1]);
