"""One error path for the whole command line.

An expected failure (bad input, a file that is not an archive, a full disk, another crawl holding the
collection) is one line on stderr, ``Error: …``, with at most a second line saying what to do, and an exit
status a script can act on: 2 for a usage error, 1 for a failure, 130 after Ctrl-C. A traceback is printed
only with ``--debug``, or for an error nobody planned for (a bug, which should be reported as one).
"""

from __future__ import annotations

import errno
import sys
from typing import IO, Any

import click

EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

# Library exceptions that describe the input or the environment, not a bug: "module:Class". They are looked
# up in sys.modules only, so checking for them never imports anything (a module not loaded cannot have
# raised its exception).
EXPECTED_ERRORS = (
    "archive.db.schema:ArchiveSchemaError",
    "archive.collection:CollectionLockedError",
    "archive.warc.reader:WarcReadError",
    "exports.wacz:WaczError",
)
# sqlite3 errors that come from the file or the machine (corrupt, locked, read-only, full), as opposed to
# a query this code got wrong ("no such column", "syntax error"), which is a bug.
_SQLITE_BUG_MARKS = ("no such ", "syntax error", "has no column", "incorrect number of bindings")


class CommandError(click.ClickException):
    """An expected failure: ``Error: message`` and, if given, one line saying what to do."""

    def __init__(self, message: str, hint: str | None = None, exit_code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.hint = hint
        self.exit_code = exit_code

    def show(self, file: IO[Any] | None = None) -> None:
        """As :func:`handle` prints it (click calls this when a command runs outside ``main``)."""
        click.echo(f"Error: {_one_line(self.format_message())}", err=True, file=file)
        if self.hint:
            click.echo(_one_line(self.hint), err=True, file=file)


class Interrupted(CommandError):
    """The user pressed Ctrl-C (or the process got SIGINT/SIGTERM): exit 130, with how to continue."""

    def __init__(self, message: str = "interrupted", hint: str | None = None) -> None:
        super().__init__(message, hint or interrupt_hint(), EXIT_INTERRUPTED)


class _State:
    """What the error path needs to know about the running command (a plain class: a dataclass would
    cost every command's start a compile of its generated methods)."""

    def __init__(self) -> None:
        self.debug = False
        self.interrupt_hint: str | None = None


STATE = _State()


def set_interrupt_hint(hint: str) -> None:
    """What to tell the user if the running command is interrupted (e.g. how to resume a crawl)."""
    STATE.interrupt_hint = hint


def interrupt_hint() -> str | None:
    return STATE.interrupt_hint


def _expected_library_error(error: BaseException) -> bool:
    for spec in EXPECTED_ERRORS:
        module_name, _, class_name = spec.partition(":")
        module = sys.modules.get(module_name)
        cls = getattr(module, class_name, None) if module is not None else None
        if cls is not None and isinstance(error, cls):
            return True
    return False


def expected_message(error: BaseException) -> str | None:
    """The one-line message for an expected failure; None when ``error`` is a bug."""
    if isinstance(error, OSError):
        reason = error.strerror or str(error)
        return f"{error.filename}: {reason}" if error.filename else reason
    # Looked up, not imported: a command that never opened a database cannot have raised its errors.
    sqlite3 = sys.modules.get("sqlite3")
    if sqlite3 is not None and isinstance(error, sqlite3.DatabaseError):
        text = str(error)
        if any(mark in text for mark in _SQLITE_BUG_MARKS):
            return None
        return f"the archive database cannot be used: {text}"
    if _expected_library_error(error):
        return str(error)
    return None


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _print_error(message: str, hint: str | None) -> None:
    click.echo(f"Error: {_one_line(message)}", err=True)
    if hint:
        click.echo(_one_line(hint), err=True)


def _usage_hint(error: click.UsageError) -> str | None:
    ctx = error.ctx
    if ctx is None:
        return None
    names = ctx.help_option_names
    help_option = "--help" if "--help" in names or not names else names[0]
    return f"Try '{ctx.command_path} {help_option}' for help."


def _print_traceback(error: BaseException) -> None:
    import traceback  # here: a command that succeeds never prints one

    traceback.print_exception(error, file=sys.stderr)


def handle(error: BaseException) -> int:
    """Report ``error`` the one way every command does; return the exit status."""
    if STATE.debug and not isinstance(error, click.exceptions.Exit):
        _print_traceback(error)
    if isinstance(error, click.exceptions.Exit):
        return error.exit_code
    if isinstance(error, click.exceptions.NoArgsIsHelpError):
        click.echo(error.format_message(), err=True)  # a bare group (`minzu-archive`): its help
        return EXIT_USAGE
    if isinstance(error, click.UsageError):
        _print_error(error.format_message(), _usage_hint(error))
        return EXIT_USAGE
    if isinstance(error, CommandError):
        _print_error(error.format_message(), error.hint)
        return error.exit_code
    if isinstance(error, click.ClickException):
        _print_error(error.format_message(), None)
        return error.exit_code
    if isinstance(error, (click.Abort, KeyboardInterrupt)):
        _print_error("interrupted", interrupt_hint())
        return EXIT_INTERRUPTED
    if isinstance(error, OSError) and error.errno == errno.EPIPE:
        return EXIT_FAILURE  # the reader of our output went away (`| head`): nothing to say
    message = expected_message(error)
    if message is not None:
        _print_error(message, None)
        return EXIT_FAILURE
    if not STATE.debug:
        _print_traceback(error)
    _print_error(
        f"unexpected {type(error).__name__}: this is a bug in minzu-archive",
        "Please report it with the traceback above.",
    )
    return EXIT_FAILURE
