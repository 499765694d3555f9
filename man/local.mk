# man pages (filled by the packaging work)
