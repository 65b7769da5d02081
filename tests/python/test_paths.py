# SPDX-License-Identifier: MIT
"""Resolution, explanation and validation of drop directories."""

import os
import pathlib

import pytest

import dropwatch
from dropwatch import (
    DropPathTooLongError,
    InvalidDropDirectoryError,
    InvalidDropPathError,
    InvalidRootError,
)


def test_resolve_posix_root():
    assert dropwatch.resolve_drop_path("/var/spool/exchange", "Pickup") == "/var/spool/exchange/Pickup"
    assert dropwatch.resolve_drop_path("/var/spool/exchange/", "Pickup") == "/var/spool/exchange/Pickup"


def test_resolve_windows_root_and_forward_slashes():
    assert dropwatch.resolve_drop_path("D:\\Exchange\\", "Drop") == "D:\\Exchange\\Drop"
    assert dropwatch.resolve_drop_path("D:/Exchange", "Drop") == "D:\\Exchange\\Drop"
    assert dropwatch.resolve_drop_path("\\\\server\\share", "Drop") == "\\\\server\\share\\Drop"


@pytest.mark.parametrize(
    "version, folder",
    [
        (2007, "C:\\Program Files\\Microsoft\\Exchange Server\\Drop"),
        (2010, "C:\\Program Files\\Microsoft\\Exchange Server\\V14\\Drop"),
        (2013, "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Drop"),
        (2019, "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Drop"),
        ("SE", "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Drop"),
        ("2010", "C:\\Program Files\\Microsoft\\Exchange Server\\V14\\Drop"),
    ],
)
def test_blank_root_follows_exchange_version(version, folder):
    assert dropwatch.resolve_drop_path(None, "Drop", exchange_version=version) == folder
    assert dropwatch.resolve_drop_path("  ", "Drop", exchange_version=version) == folder


def test_default_version_is_2007_and_install_dir_overrides():
    assert dropwatch.resolve_drop_path("", "Drop") == "C:\\Program Files\\Microsoft\\Exchange Server\\Drop"
    assert dropwatch.resolve_drop_path(None, "Drop", install_dir="E:\\Ex") == "E:\\Ex\\Drop"
    assert dropwatch.exchange_install_dir(2010).endswith("\\V14\\")
    assert dropwatch.exchange_install_dir() == "C:\\Program Files\\Microsoft\\Exchange Server\\"


def test_resolve_accepts_bytes_and_pathlike():
    # bytes in, bytes out (as os.path does); str and str paths give str.
    assert dropwatch.resolve_drop_path(b"/srv/x", b"Drop") == b"/srv/x/Drop"
    assert dropwatch.resolve_drop_path(b"/srv/x", "Drop") == b"/srv/x/Drop"
    assert dropwatch.resolve_drop_path("/srv/\xe9t\xe9", b"Drop") == "/srv/\xe9t\xe9/Drop".encode()
    assert dropwatch.resolve_drop_path(pathlib.PurePosixPath("/srv/x"), "Drop") == "/srv/x/Drop"
    assert dropwatch.resolve_drop_path("/srv/x", "Drop") == "/srv/x/Drop"
    ex = dropwatch.explain_drop_path(b"D:\\Exchange", b"E:\\x")
    assert isinstance(ex.exchange_path, bytes) and ex.exchange_path == b"E:\\x"
    assert isinstance(dropwatch.explain_drop_path("D:\\Exchange", "Fax").exchange_path, str)


def test_resolve_style_forced():
    # a POSIX root under forced Windows style is not an absolute Windows path
    with pytest.raises(InvalidRootError):
        dropwatch.resolve_drop_path("/srv/x", "Drop", style="windows")
    assert dropwatch.resolve_drop_path("/srv/x", "Drop", style="posix") == "/srv/x/Drop"


def test_invalid_drop_directory_raises_with_details():
    with pytest.raises(InvalidDropDirectoryError) as ei:
        dropwatch.resolve_drop_path("D:\\Exchange", "..\\Windows")
    e = ei.value
    assert isinstance(e, ValueError) and isinstance(e, dropwatch.DropWatchError)
    assert isinstance(e, InvalidDropPathError)
    assert e.input == "drop_directory"
    assert e.reason in ("separator", "dot_name")
    assert e.reason_code > 0
    assert e.status == "DW_E_NAME"
    assert e.value == "..\\Windows"
    assert e.path is None


def test_invalid_root_raises_with_details():
    with pytest.raises(InvalidRootError) as ei:
        dropwatch.resolve_drop_path("relative\\dir", "Drop")
    assert ei.value.input == "root"
    assert ei.value.reason == "root_relative"
    assert ei.value.status == "DW_E_ROOT"
    with pytest.raises(InvalidRootError) as ei:
        dropwatch.resolve_drop_path("C:\\a\\..\\b", "Drop")
    assert ei.value.reason == "root_dot_component"


def test_too_long_path_still_reports_the_path():
    root = "D:\\" + "\\".join(["d" * 50] * 4)
    name = "n" * 30
    with pytest.raises(DropPathTooLongError) as ei:
        dropwatch.resolve_drop_path(root, name)
    e = ei.value
    assert e.path == root + "\\" + name
    assert e.reason == "path_too_long"
    assert e.input == "result"


def test_explain_matches_strict_for_a_valid_name():
    ex = dropwatch.explain_drop_path("D:\\Exchange", "Drop")
    assert ex.exchange_path == "D:\\Exchange\\Drop"
    assert ex.strict_path == ex.exchange_path
    assert ex.warnings == ()
    assert not ex.differs
    assert ex.strict_status == "DW_OK" and ex.strict_error is None


def test_explain_rooted_drop_directory_replaces_the_root():
    ex = dropwatch.explain_drop_path("D:\\Exchange", "C:\\Windows\\System32")
    assert ex.exchange_path == "C:\\Windows\\System32"
    assert ex.strict_path is None
    assert isinstance(ex.strict_error, InvalidDropDirectoryError)
    assert {"root_replaced", "differs", "invalid_name"} <= ex.warning_codes
    assert ex.differs
    for w in ex.warnings:
        assert w.message and w.flag and w.code


def test_explain_parent_escape_passes_through():
    ex = dropwatch.explain_drop_path("D:\\Exchange\\", "..\\Windows")
    assert ex.exchange_path == "D:\\Exchange\\..\\Windows"
    assert "parent_escape" in ex.warning_codes
    assert ex.strict_reason != "ok"


def test_explain_rejects_bad_options():
    with pytest.raises(ValueError):
        dropwatch.explain_drop_path("D:\\x", "Drop", exchange_version=2003)
    with pytest.raises(ValueError):
        dropwatch.explain_drop_path("D:\\x", "Drop", style="mac")
    with pytest.raises(TypeError):
        dropwatch.explain_drop_path("D:\\x", 42)


@pytest.mark.parametrize(
    "value, reason",
    [
        ("", "empty"),
        ("   ", "blank"),
        ("a/b", "separator"),
        ("a\\b", "separator"),
        ("C:", "drive"),
        ("..", "dot_name"),
        ("a<b", "forbidden_char"),
        ("a\x01b", "control_char"),
        ("a\0b", "embedded_nul"),
        ("name.", "trailing_dot"),
        ("name ", "trailing_space"),
        ("CON", "reserved_name"),
        ("nul.txt", "reserved_name"),
        ("x" * 256, "too_long"),
        ("a\uff0fb", "lookalike"),
    ],
)
def test_validate_reasons(value, reason):
    res = dropwatch.validate_drop_directory(value)
    assert not res.valid and not res
    assert res.reason == reason
    assert res.message
    assert res.reason_code > 0
    with pytest.raises(InvalidDropDirectoryError) as ei:
        dropwatch.check_drop_directory(value)
    assert ei.value.reason == reason
    assert ei.value.offset == res.offset


def test_validate_valid_name():
    res = dropwatch.validate_drop_directory("Drop-Ümlaut 1")
    assert res.valid and res
    assert res.reason == "ok" and res.reason_code == 0
    assert res.utf16_units == len("Drop-Ümlaut 1")
    assert dropwatch.check_drop_directory("Drop") == "Drop"


def test_validate_positions_bytes_and_characters():
    res = dropwatch.validate_drop_directory("é<")
    assert res.offset == 2  # bytes: é is two in UTF-8
    assert res.index == 1  # characters
    assert res.codepoint == ord("<")
    res = dropwatch.validate_drop_directory("é<".encode())
    assert res.offset == 2 and res.index is None and res.value == "é<".encode()


def test_validate_invalid_utf8_and_lone_surrogate():
    assert dropwatch.validate_drop_directory(b"ab\xff").reason == "invalid_utf8"
    assert dropwatch.validate_drop_directory("ab\ud800").reason == "invalid_utf8"
    assert dropwatch.validate_drop_directory(b"a\0b").reason == "embedded_nul"


def test_validate_supplementary_plane_counts_two_units():
    res = dropwatch.validate_drop_directory("\U0001F600" * 127)
    assert res.valid and res.utf16_units == 254
    assert dropwatch.validate_drop_directory("\U0001F600" * 128).reason == "too_long"


@pytest.mark.parametrize("bad", [None, 42, 3.5, ["Drop"], object()])
def test_validate_type_errors(bad):
    with pytest.raises(TypeError):
        dropwatch.validate_drop_directory(bad)


def test_embedded_nul_in_a_path_is_a_value_error():
    with pytest.raises(ValueError):
        dropwatch.resolve_drop_path("/srv\0/x", "Drop")
    with pytest.raises(ValueError):
        dropwatch.resolve_drop_path("/srv/x", "Dr\0op")


def test_resolve_type_errors():
    with pytest.raises(TypeError):
        dropwatch.resolve_drop_path(12, "Drop")
    with pytest.raises(TypeError):
        dropwatch.resolve_drop_path("/x", None)
    with pytest.raises(ValueError):
        dropwatch.resolve_drop_path("/x", "Drop", exchange_version=True)


def test_is_reserved_name():
    assert dropwatch.is_reserved_name("com1.txt")
    assert dropwatch.is_reserved_name("CONIN$")
    assert not dropwatch.is_reserved_name("CLOCK$")
    assert not dropwatch.is_reserved_name("Drop")


def test_huge_input_does_not_crash():
    big = "a" * (1 << 20)
    assert dropwatch.validate_drop_directory(big).reason == "too_long"
    with pytest.raises(InvalidDropPathError):
        dropwatch.resolve_drop_path("D:\\" + big, "Drop")
    ex = dropwatch.explain_drop_path("D:\\x", big)
    assert ex.exchange_path.endswith(big) and "path_too_long" in ex.warning_codes


def test_name_check_is_an_immutable_verdict():
    ok = dropwatch.validate_drop_directory("Fax Connector")
    bad = dropwatch.validate_drop_directory("Fax\\Out")
    assert bool(ok) is True and ok.valid and ok.reason == "ok" and ok.index == 0
    assert bool(bad) is False and bad.reason == "separator" and bad.offset == 3 and bad.index == 3
    # the message comes from the library's table for every reason
    assert bad.message == dropwatch.validate_drop_directory("a/b").message
    with pytest.raises(AttributeError):
        ok.valid = False  # type: ignore[misc]
    # character index vs byte offset for non-ASCII input
    accented = dropwatch.validate_drop_directory("Télé:copie")
    assert accented.reason == "stream" and accented.offset == 6 and accented.index == 4


def test_explain_empty_drop_directory_and_8007_estimate():
    x = dropwatch.explain_drop_path("D:\\Exchange", "")
    assert x.exchange_path == "" and x.event == 8008
    assert "no_drop_directory" in x.warning_codes or any("8008" in w.message for w in x.warnings)
    long_root = "D:\\" + "x" * 205
    x = dropwatch.explain_drop_path(long_root, "Fax", machine_name="HUB01")
    assert (x.event, x.exchange_units, x.longest_file_name) == (8007, 212, 52)
    x = dropwatch.explain_drop_path("D:\\" + "x" * 195, "Fax", machine_name="HUB01")
    assert x.event == 0 and x.strict_path is not None  # 202 + 1 + 52 <= 259
    with pytest.raises(dropwatch.DropPathTooLongError):
        dropwatch.resolve_drop_path("D:\\" + "x" * 195, "Fax")  # unknown machine: 202 + 1 + 62 > 259
