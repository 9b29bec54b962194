// The page put back after key presses (undoKeys in helpers.js); then whether the page is as it
// was kept. arguments[0]: whether the page can run script of its own.
undoKeys(arguments[0], arguments[arguments.length - 1]);
