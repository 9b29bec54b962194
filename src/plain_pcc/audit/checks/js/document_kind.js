return IS_HTML;
