# Manual pages: dropwatch(1), the libdropwatch(3) overview, one page per main function and .so links
# for the functions documented with them. Installed by make install; checked by make distcheck.
dist_man_MANS += \
	doc/dropwatch.1 \
	doc/libdropwatch.3 \
	doc/dw_alert_event_id.3 \
	doc/dw_alert_format.3 \
	doc/dw_alert_format_alloc.3 \
	doc/dw_alert_init.3 \
	doc/dw_class_action.3 \
	doc/dw_class_from_errno.3 \
	doc/dw_class_from_win32.3 \
	doc/dw_class_name.3 \
	doc/dw_class_retryable.3 \
	doc/dw_class_str.3 \
	doc/dw_drop_close.3 \
	doc/dw_drop_create_dir.3 \
	doc/dw_drop_health.3 \
	doc/dw_drop_open.3 \
	doc/dw_drop_options_init.3 \
	doc/dw_drop_path.3 \
	doc/dw_drop_sweep.3 \
	doc/dw_drop_usage.3 \
	doc/dw_drop_write.3 \
	doc/dw_drop_write_fd.3 \
	doc/dw_drop_write_file.3 \
	doc/dw_drop_write_cb.3 \
	doc/dw_errno_is_known.3 \
	doc/dw_errno_name.3 \
	doc/dw_errno_str.3 \
	doc/dw_event_name.3 \
	doc/dw_exchange_install_dir.3 \
	doc/dw_explain_warning_str.3 \
	doc/dw_format_from_name.3 \
	doc/dw_format_name.3 \
	doc/dw_io_error_clear.3 \
	doc/dw_io_error_set.3 \
	doc/dw_msg_abort.3 \
	doc/dw_msg_begin.3 \
	doc/dw_msg_commit.3 \
	doc/dw_msg_options_init.3 \
	doc/dw_msg_size.3 \
	doc/dw_msg_write.3 \
	doc/dw_name_is_reserved.3 \
	doc/dw_name_validate.3 \
	doc/dw_name_validate_n.3 \
	doc/dw_op_name.3 \
	doc/dw_path_explain.3 \
	doc/dw_path_full.3 \
	doc/dw_path_resolve.3 \
	doc/dw_quota_format.3 \
	doc/dw_quota_parse.3 \
	doc/dw_reason_name.3 \
	doc/dw_reason_str.3 \
	doc/dw_resolve_options_init.3 \
	doc/dw_win32_from_errno.3 \
	doc/dw_win32_is_known.3 \
	doc/dw_win32_name.3

# Example configuration referenced by dropwatch(1) and read by tests/cli/test_config.sh.
EXTRA_DIST += doc/demo.conf
