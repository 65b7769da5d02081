# SPDX-License-Identifier: MIT
# dropwatch watch as a systemd service: the unit (its ExecStart gets the configured bindir), the
# dedicated account (systemd-sysusers) and a sample /etc/dropwatch.conf, installed as an example only so
# that make install never replaces a real configuration. See doc/monitoring.md.
data/dropwatch.service: $(srcdir)/data/dropwatch.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) data && \
	sed -e 's|@bindir[@]|$(bindir)|g' $(srcdir)/data/dropwatch.service.in >$@.tmp && mv $@.tmp $@
noinst_DATA += data/dropwatch.service
CLEANFILES += data/dropwatch.service data/dropwatch.service.tmp
EXTRA_DIST += data/dropwatch.service.in
DW_SYSTEMD_INSTALL_DIRS =
if INSTALL_SYSTEMD_UNIT
systemdsystemunit_DATA = data/dropwatch.service
DW_SYSTEMD_INSTALL_DIRS += $(systemdsystemunitdir)
endif
if INSTALL_SYSUSERS
dist_sysusers_DATA = data/sysusers.d/dropwatch.conf
DW_SYSTEMD_INSTALL_DIRS += $(sysusersdir)
else
EXTRA_DIST += data/sysusers.d/dropwatch.conf
endif
dwexamplesdir = $(docdir)/examples
dist_dwexamples_DATA = data/dropwatch.conf.sample data/dropwatch-alerts.rules.yml
EXTRA_DIST += doc/monitoring.md
