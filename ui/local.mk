# ui/local.mk -- the web dashboard: static files installed as they are (no
# build step) under $(pkgdatadir)/ui, which the web server snippets in conf/
# serve at /ui/.

pkgdata_uidir = $(pkgdatadir)/ui
dist_pkgdata_ui_DATA = \
	ui/index.html \
	ui/app.css \
	ui/favicon.svg

pkgdata_uijsdir = $(pkgdatadir)/ui/js
dist_pkgdata_uijs_DATA = \
	ui/js/api.js \
	ui/js/chart.js \
	ui/js/create.js \
	ui/js/detail.js \
	ui/js/dom.js \
	ui/js/list.js \
	ui/js/main.js \
	ui/js/metrics.js \
	ui/js/overview.js \
	ui/js/preview.js
