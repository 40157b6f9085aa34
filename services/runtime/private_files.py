"""State files only their owner can read: the data directory 0700, its files 0600.

Trips hold where and when people travel; logs and the audit log name keys and
requests. A service also sets its umask (`restrict_umask`) so that what SQLite or a
library creates later (the WAL, its shared-memory file) is private from the start;
`make_private_tree` corrects what an older version left readable.
"""

import os
import stat
from collections.abc import Callable
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600
UMASK = 0o077


def restrict_umask() -> None:
    """New files 0600 and directories 0700 in this process and the ones it starts."""
    os.umask(UMASK)


def make_private_dir(path: Path) -> Path:
    """`path` as a directory (created with its parents) that only its owner can enter."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    path.chmod(DIR_MODE)
    return path


def make_private_file(path: Path) -> Path:
    """`path` as an existing file (created empty) that only its owner can read."""
    make_private_dir(path.parent)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, FILE_MODE))
    path.chmod(FILE_MODE)
    return path


def make_private_tree(root: Path) -> None:
    """`root` and every directory under it 0700, every regular file 0600."""
    make_private_dir(root)
    for directory, subdirectories, files in os.walk(root):
        for name in subdirectories:
            _chmod(Path(directory) / name, DIR_MODE, stat.S_ISDIR)
        for name in files:
            _chmod(Path(directory) / name, FILE_MODE, stat.S_ISREG)


def _chmod(path: Path, mode: int, is_kind: Callable[[int], bool]) -> None:
    """chmod, unless it is not of that kind (a link) or went away meanwhile."""
    try:
        if is_kind(path.lstat().st_mode):
            path.chmod(mode)
    except FileNotFoundError:
        pass
