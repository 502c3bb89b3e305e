"""Program files are UTF-8 text: bytes that are not (or a NUL byte) are one clear diagnostic, not garbage."""
from __future__ import annotations

from dataclasses import dataclass

NOT_TEXT_HELP = "a .scene program is plain text: save it as UTF-8 in your editor"


@dataclass(frozen=True)
class NotText:
    """Where a file stops being UTF-8 text, and why (for a message like `x` is not UTF-8 text ...)."""
    line: int
    column: int
    why: str            # "byte 0xff" or "a zero byte"

    def message(self, name: str) -> str:
        """For the file itself: the diagnostic's position already says where."""
        return f"`{name}` is not UTF-8 text ({self.why})"

    def use_message(self, written: str) -> str:
        """For a `use` statement: the diagnostic points at the `use`, so say where in the used file."""
        return (f"`use` cannot read `{written}`: it is not UTF-8 text ({self.why} at line {self.line}, "
                f"column {self.column})")


def decode_source(data: bytes) -> str | NotText:
    """The text of a program file, or where it is not UTF-8 text."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        column = len(data[line_start:error.start].decode("utf-8", errors="replace")) + 1
        return NotText(data.count(b"\n", 0, error.start) + 1, column, f"byte 0x{data[error.start]:02x}")
    return find_nul(text) or text


def find_nul(text: str) -> NotText | None:
    """Where the first NUL character is: text editors never write one, so the file is binary."""
    index = text.find("\x00")
    if index < 0:
        return None
    line_start = text.rfind("\n", 0, index) + 1
    return NotText(text.count("\n", 0, index) + 1, index - line_start + 1, "a zero byte")
