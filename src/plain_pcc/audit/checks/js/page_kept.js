// Whether the page is again as it was kept (keepPage in helpers.js).
pageKept(arguments[arguments.length - 1]);
