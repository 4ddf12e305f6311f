"""Folders of generated files, replaced as a whole and compared file by file.

Both generated/ folders (the published spec, the Python client) are written the
same way: into a sibling staging folder first, then swapped in with two renames,
so a failed run leaves the previous folder untouched and a reader never sees half
of one run and half of another.

A folder is replaced only when it is absent, empty, or holds nothing but what the same
command wrote there: the files its manifest (MANIFEST, written with them) lists, and files
holding exactly what this run writes (a folder generated before manifests existed, or
merged from another branch). A symbolic link, a file, a device, the working folder or one
of its parents, the home folder, or a folder with anything else in it is refused, untouched.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from .errors import UsageError, display_path

Files = Mapping[str, bytes]  # POSIX path relative to the folder -> content

# What Python and the linters leave in a folder they read: not part of it.
CACHES = frozenset({"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"})

MANIFEST = ".rstar-spec-output"
"""The file, in every folder a command writes, that lists what it wrote: what it may replace next time."""
_MANIFEST_HEAD = "# written by `rstar-spec {by}`, which replaces this folder only while it holds these files alone"


def read_tree(folder: Path) -> dict[str, bytes]:
    """Every file below folder, by relative POSIX path, but caches."""
    if not folder.is_dir():
        return {}
    files = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not CACHES.intersection(relative.parts) and relative.as_posix() != MANIFEST:
            files[relative.as_posix()] = path.read_bytes()
    return files


def umask() -> int:
    """The process's umask (read by setting it and setting it back: the only way there is)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _refuse(output: Path, why: str) -> UsageError:
    return UsageError(f"refusing to replace {display_path(output)}: {why}")


def check_output_folder(output: Path) -> None:
    """Refuse, before any work, an output that can never be a folder of generated files."""
    try:
        mode = os.lstat(output).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise _refuse(output, exc.strerror or "cannot be read") from None
    if mode is not None and stat.S_ISLNK(mode):
        raise _refuse(output, "it is a symbolic link (name the folder itself)")
    if mode is not None and not stat.S_ISDIR(mode):
        raise _refuse(output, f"it is {_kind(mode)}, not a folder")
    resolved, cwd = output.resolve(), Path.cwd().resolve()
    if resolved == cwd or resolved in cwd.parents:
        raise _refuse(output, "it is the working folder or one of its parents")
    if resolved == Path.home().resolve():
        raise _refuse(output, "it is the home folder")


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def output_file(path: Path, flag: str | None = None) -> Path:
    """The regular file (or absent name) that writing path replaces: path itself, or the regular file a
    symbolic link at path names (written through, the link stays). Anything else is the user's and refused
    with a UsageError naming it (flag, when given, says which option named it): a folder, a device, a FIFO,
    a link to one or to nothing, a missing folder, a file of the kernel."""
    where = f"{flag} {display_path(path)}" if flag else display_path(path)
    try:
        link = os.lstat(path)
    except FileNotFoundError:
        link = None
    except OSError as exc:
        raise UsageError(f"cannot write {where}: {exc.strerror}") from None
    target, linked = path, link is not None and stat.S_ISLNK(link.st_mode)
    if linked:
        target = Path(os.path.realpath(path))
        if not target.exists():
            raise UsageError(f"refusing to write {where}: a link to nothing ({display_path(target)})")
    try:
        mode: int | None = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise UsageError(f"cannot write {where}: {exc.strerror}") from None
    if mode is not None and not stat.S_ISREG(mode):
        what = f"a link to {_kind(mode)}" if linked else _kind(mode)
        raise UsageError(f"refusing to write {where}: it is {what}, not a regular file")
    if not target.parent.is_dir():
        raise UsageError(f"refusing to write {where}: folder {display_path(target.parent)} does not exist")
    if target.resolve().is_relative_to("/proc") or target.resolve().is_relative_to("/sys"):
        raise UsageError(f"refusing to write {where}: a file of the kernel, not a regular file")
    return target


def _listed(output: Path, by: str) -> frozenset[str]:
    """The files the manifest in output says `rstar-spec by` wrote there (none if another command wrote it)."""
    try:
        lines = (output / MANIFEST).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return frozenset()
    if not lines or lines[0] != _MANIFEST_HEAD.format(by=by):
        return frozenset()
    return frozenset(line for line in lines[1:] if line and not line.startswith("#"))


def foreign_files(files: Files, output: Path, by: str) -> list[str]:
    """What output holds that `rstar-spec by` did not write: neither in its manifest nor what this run writes."""
    listed = _listed(output, by)
    foreign = []
    for folder, dirs, names in os.walk(output):  # links are not followed: a link is foreign
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if d not in CACHES or (here / d).is_symlink())
        foreign += [(here / d).relative_to(output).as_posix() for d in dirs if (here / d).is_symlink()]
        for name in sorted(names):
            path = here / name
            relative = path.relative_to(output).as_posix()
            if relative == MANIFEST or relative in listed:
                if path.is_file() and not path.is_symlink():
                    continue
            elif relative in files and _holds(path, files[relative]):
                continue
            foreign.append(relative)
    return foreign


def _holds(path: Path, content: bytes) -> bool:
    try:
        mode = os.lstat(path)
        return stat.S_ISREG(mode.st_mode) and mode.st_size == len(content) and path.read_bytes() == content
    except OSError:
        return False


def claim(files: Files, output: Path, *, by: str) -> None:
    """Refuse (UsageError, nothing touched) an output that `rstar-spec by` may not replace with files."""
    check_output_folder(output)
    if output.exists():
        foreign = foreign_files(files, output, by)
        if foreign:
            more = f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
            raise _refuse(
                output,
                f"it holds files `rstar-spec {by}` did not write ({', '.join(foreign[:3])}{more}); "
                "move them away or choose another folder",
            )


def _write_manifest(folder: Path, names: Iterable[str], by: str) -> None:
    manifest = "\n".join([_MANIFEST_HEAD.format(by=by), *sorted(names)]) + "\n"
    (folder / MANIFEST).write_text(manifest, encoding="utf-8")


def replace_tree(files: Files, output: Path, *, by: str) -> None:
    """Make output hold exactly files and the manifest of `rstar-spec by`; a failed run leaves the previous
    folder, and a folder holding anything else is refused (UsageError), untouched. Modes are what any tool
    would make under the umask (mkdtemp's 0700 is for the staging, not for what it becomes)."""
    claim(files, output, by=by)
    staging = staging_folder(output)
    try:
        _write_manifest(staging, files, by)
        for name, content in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        swap_in(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def staging_folder(output: Path) -> Path:
    """A new folder beside output (same file system: the swap is a rename), with the umask's modes."""
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _refuse(output, f"cannot make its folder: {exc.strerror}") from None
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
    os.chmod(staging, 0o777 & ~umask())
    return staging


def swap_in_owned(made: Path, output: Path, *, by: str) -> int:
    """For a writer that fills a staging folder itself (made, a sibling of output): refuse as replace_tree
    does, then write the manifest and swap made in; the number of files it holds."""
    files = read_tree(made)
    claim(files, output, by=by)
    _write_manifest(made, files, by)
    swap_in(made, output)
    return len(files)


def swap_in(staging: Path, output: Path) -> None:
    """Put the folder staging (a sibling of output, complete) in output's place, with two renames; the
    previous output is removed after. For a writer that fills its staging folder itself."""
    if output.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{output.name}.old.", dir=output.parent))
        os.replace(output, retired / output.name)
        os.replace(staging, output)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.replace(staging, output)


def stale_files(files: Files, output: Path) -> list[str]:
    """The files of output that differ from files: missing, changed, or extra."""
    present = read_tree(output)  # the manifest is not compared: what it lists is what it may replace
    stale = []
    for name in sorted(present.keys() | files.keys()):
        if name not in files:
            stale.append(f"{name} (not generated any more)")
        elif name not in present:
            stale.append(f"{name} (missing)")
        elif present[name] != files[name]:
            stale.append(f"{name} (differs)")
    return stale
