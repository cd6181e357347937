"""A process that is SIGKILLed right after its N-th rename or symbolic link under one folder:
the far side of the local publication's crash test.  An ``LD_PRELOAD`` library wraps the C
library's ``rename`` and ``symlink``, so it counts the calls whoever makes them (Python's ``os``,
pyarrow's file system), and the process dies between two of them, as a power cut or an OOM kill
would leave it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

_SOURCE = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int done;

static void counted(const char *kind, const char *path) {
    const char *under = getenv("DIES_RENAMING_UNDER"), *after = getenv("DIES_RENAMING_AFTER");
    const char *log = getenv("DIES_RENAMING_LOG"), *skip = getenv("DIES_RENAMING_SKIP");
    if (!under || strncmp(path, under, strlen(under)) != 0) return;
    if (skip) {  /* ':'-separated parts of paths not counted */
        char words[4096], *word, *rest;
        strncpy(words, skip, sizeof words - 1);
        words[sizeof words - 1] = 0;
        for (word = strtok_r(words, ":", &rest); word; word = strtok_r(NULL, ":", &rest))
            if (strstr(path, word)) return;
    }
    done++;
    if (log) {
        FILE *fh = fopen(log, "a");
        if (fh) { fprintf(fh, "%d %s %s\n", done, kind, path); fclose(fh); }
    }
    if (after && done == atoi(after)) kill(getpid(), SIGKILL);
}

int rename(const char *from, const char *to) {
    static int (*real)(const char *, const char *);
    if (!real) real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
    int rc = real(from, to);
    if (rc == 0) counted("rename", to);
    return rc;
}

int symlink(const char *target, const char *path) {
    static int (*real)(const char *, const char *);
    if (!real) real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "symlink");
    int rc = real(target, path);
    if (rc == 0) counted("symlink", path);
    return rc;
}
"""


def build_library(folder: Path) -> Path | None:
    """The compiled library in ``folder`` (None without a C compiler)."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        return None
    source, library = folder / "dies_renaming.c", folder / "dies_renaming.so"
    source.write_text(_SOURCE)
    subprocess.run([compiler, "-shared", "-fPIC", "-O1", "-o", str(library), str(source), "-ldl"], check=True)
    return library


def environment(library: Path, under: Path, *, after: int | None, skip: tuple[str, ...] = (),
                log: Path | None = None) -> dict[str, str]:
    """The environment of a child that dies after its ``after``-th rename or link under ``under``
    (paths holding one of ``skip`` not counted; ``log``: every counted one, a line each)."""
    env = {**os.environ, "LD_PRELOAD": str(library), "DIES_RENAMING_UNDER": str(under),
           "DIES_RENAMING_SKIP": ":".join(skip)}
    if after is not None:
        env["DIES_RENAMING_AFTER"] = str(after)
    if log is not None:
        env["DIES_RENAMING_LOG"] = str(log)
    return env
