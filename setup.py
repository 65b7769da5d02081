# SPDX-License-Identifier: MIT
"""Build of the dropwatch Python package's C extension (metadata: pyproject.toml).

The extension dropwatch._native is SWIG's wrapper of bindings/python/dropwatch.i with the library's C
sources compiled in. Without autotools there is no configure, so this file writes the two generated headers
itself into the build directory: config.h (the same HAVE_* probes configure.ac makes, by test compiles) and
dropwatch/version.h (from include/dropwatch/version.h.in, with the version from configure.ac's AC_INIT, the
single source of the version number). SWIG runs into the build directory too: the source tree stays clean.
"""
import os
import re
import subprocess
import sys
import tempfile

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))


def version_parts():
    with open(os.path.join(HERE, "configure.ac"), encoding="utf-8") as f:
        m = re.search(r"AC_INIT\(\[[^]]*\],\s*\[(\d+)\.(\d+)\.(\d+)\]", f.read())
    if not m:
        raise RuntimeError("cannot find the version in configure.ac's AC_INIT")
    return m.groups()


VERSION = ".".join(version_parts())

# configure.ac's AC_CHECK_HEADERS / AC_CHECK_FUNCS.
HEADERS = ["sys/statfs.h", "sys/vfs.h", "linux/openat2.h", "sys/syscall.h"]
FUNCS = {
    "renameat2": "#include <stdio.h>\n#include <fcntl.h>\nint main(void){return renameat2(0,\"a\",0,\"b\",0);}",
    "syncfs": "#include <unistd.h>\nint main(void){return syncfs(0);}",
    "fdatasync": "#include <unistd.h>\nint main(void){return fdatasync(0);}",
    "posix_fallocate": "#include <fcntl.h>\nint main(void){return posix_fallocate(0,0,1);}",
    "getrandom": "#include <sys/random.h>\nint main(void){char b[1];return (int)getrandom(b,1,0);}",
    "statvfs": "#include <sys/statvfs.h>\nint main(void){struct statvfs s;return statvfs(\"/\",&s);}",
}


def macro(name):
    return "HAVE_" + re.sub(r"[^A-Za-z0-9]", "_", name).upper()


class BuildExt(build_ext):
    def _probe(self, code, link):
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "probe.c")
            with open(src, "w") as f:
                f.write("#define _GNU_SOURCE 1\n" + code + "\n")
            try:
                objs = self.compiler.compile([src], output_dir=tmp, extra_postargs=["-Werror=implicit-function-declaration"])
                if link:
                    self.compiler.link_executable(objs, os.path.join(tmp, "probe"))
                return True
            except Exception:
                return False

    def _write_headers(self, gen):
        os.makedirs(os.path.join(gen, "dropwatch"), exist_ok=True)
        lines = ["/* config.h written by setup.py (the autotools build has configure write it). */",
                 "#define _GNU_SOURCE 1", "#define _FILE_OFFSET_BITS 64",
                 '#define PACKAGE_VERSION "%s"' % VERSION]
        for h in HEADERS:
            if self._probe("#include <%s>\nint main(void){return 0;}" % h, link=False):
                lines.append("#define %s 1" % macro(h))
        for fn, code in FUNCS.items():
            if self._probe(code, link=True):
                lines.append("#define %s 1" % macro(fn))
        with open(os.path.join(gen, "config.h"), "w") as f:
            f.write("\n".join(lines) + "\n")
        major, minor, patch = version_parts()
        with open(os.path.join(HERE, "include", "dropwatch", "version.h.in"), encoding="utf-8") as f:
            text = f.read()
        for k, v in {"DW_VERSION_MAJOR": major, "DW_VERSION_MINOR": minor, "DW_VERSION_PATCH": patch,
                     "PACKAGE_VERSION": VERSION}.items():
            text = text.replace("@%s@" % k, v)
        with open(os.path.join(gen, "dropwatch", "version.h"), "w") as f:
            f.write(text)

    def build_extensions(self):
        gen = os.path.join(os.path.abspath(self.build_temp), "dwgen")
        self._write_headers(gen)
        for ext in self.extensions:
            ext.include_dirs = [gen, os.path.join(HERE, "include"), os.path.join(HERE, "lib")] + ext.include_dirs
        super().build_extensions()

    def swig_sources(self, sources, extension):
        # SWIG into the build directory (not beside the .i), with the project's options (-builtin).
        gen = os.path.join(os.path.abspath(self.build_temp), "dwgen")
        out = []
        for s in sources:
            if not s.endswith(".i"):
                out.append(s)
                continue
            target = os.path.join(gen, "dropwatch_wrap.c")
            cmd = ["swig", "-python", "-builtin", "-I" + gen, "-I" + os.path.join(HERE, "bindings"), "-I" + os.path.join(HERE, "include"),
                   "-outdir", gen, "-o", target, s]
            self.announce("swigging %s" % s, level=2)
            subprocess.check_call(cmd)
            out.append(target)
        return out


lib_sources = sorted(os.path.join("lib", f) for f in os.listdir(os.path.join(HERE, "lib"))
                     if f.endswith(".c") and "win32" not in f)

setup(
    version=VERSION,
    ext_modules=[
        Extension(
            "dropwatch._native",
            sources=["bindings/python/dropwatch.i"] + lib_sources,
            define_macros=[("HAVE_CONFIG_H", "1"), ("DW_BUILDING_LIBRARY", "1")],
            extra_compile_args=["-std=gnu11", "-fno-strict-aliasing", "-Wno-unused-parameter"],
        )
    ],
    cmdclass={"build_ext": BuildExt},
)
