"""Contains all the data models used in inputs/outputs"""

from .note import Note
from .note_input import NoteInput
from .problem import Problem

__all__ = (
    "Note",
    "NoteInput",
    "Problem",
)
