// Whether the page is again as it was kept (keepPage in helpers.js); arguments[0]: whether
// the page can run script of its own.
pageKept(arguments[arguments.length - 1], arguments[0]);
