# man/local.mk -- the manual pages (included by Makefile.am).
#
# Like the systemd units, they are generated from man/*.in with configure's
# paths, so that they name the files this build really reads.

tasksched_man_pages = \
	man/tasksched-api.8 \
	man/tasksched-executor.8 \
	man/tasksched-admin.8 \
	man/tasksched.conf.5

man_MANS = $(tasksched_man_pages)
EXTRA_DIST += $(tasksched_man_pages:=.in)
CLEANFILES += $(tasksched_man_pages)

$(tasksched_man_pages): %: %.in Makefile
	$(AM_V_GEN)$(MKDIR_P) $(@D) && \
	sed -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	    -e 's|@sbindir[@]|$(sbindir)|g' \
	    -e 's|@pkgdatadir[@]|$(pkgdatadir)|g' \
	    -e 's|@SPAWN_FCGI[@]|$(SPAWN_FCGI)|g' \
	    -e 's|@VERSION[@]|$(VERSION)|g' \
		$(srcdir)/$@.in > $@.tmp && mv $@.tmp $@
