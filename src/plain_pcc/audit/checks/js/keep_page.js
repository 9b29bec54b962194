// The page kept as it is now, before a check changes it (keepPage in helpers.js).
keepPage();
