# SPDX-License-Identifier: MIT
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
	doc/dw_drop_options.3 \
	doc/dw_drop_options_init.3 \
	doc/dw_drop_path.3 \
	doc/dw_drop_publish_method.3 \
	doc/dw_publish_method_name.3 \
	doc/dw_drop_sweep.3 \
	doc/dw_drop_usage.3 \
	doc/dw_drop_write.3 \
	doc/dw_drop_write_batch.3 \
	doc/dw_drop_write_fd.3 \
	doc/dw_envelope_add_recipient.3 \
	doc/dw_envelope_format.3 \
	doc/dw_envelope_free.3 \
	doc/dw_envelope_new.3 \
	doc/dw_envelope_set_eoh_mode.3 \
	doc/dw_envelope_set_sender.3 \
	doc/dw_errno_is_known.3 \
	doc/dw_errno_name.3 \
	doc/dw_errno_str.3 \
	doc/dw_event_name.3 \
	doc/dw_exchange_install_dir.3 \
	doc/dw_explain_warning_str.3 \
	doc/dw_format_from_name.3 \
	doc/dw_format_name.3 \
	doc/dw_free.3 \
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
	doc/dw_outcome_name.3 \
	doc/dw_path_explain.3 \
	doc/dw_path_resolve.3 \
	doc/dw_quota_format.3 \
	doc/dw_quota_parse.3 \
	doc/dw_quota_validate.3 \
	doc/dw_win32_message.3 \
	doc/dw_throttle_new.3 \
	doc/dw_throttle_free.3 \
	doc/dw_throttle_check.3 \
	doc/dw_throttle_next_expired.3 \
	doc/dw_throttle_window_seconds.3 \
	doc/dw_reason_name.3 \
	doc/dw_reason_str.3 \
	doc/dw_resolve_options_init.3 \
	doc/dw_status_name.3 \
	doc/dw_status_str.3 \
	doc/dw_testing_drop_health.3 \
	doc/dw_testing_drop_open.3 \
	doc/dw_version_number.3 \
	doc/dw_version_string.3 \
	doc/dw_win32_from_errno.3 \
	doc/dw_win32_is_known.3 \
	doc/dw_win32_name.3

# Example configuration referenced by dropwatch(1) and read by tests/cli/test_config.sh.
EXTRA_DIST += doc/demo.conf
