"""Errors the toolkit raises on purpose, each with a message that says what to fix."""


class CourseError(Exception):
    """Base class for every error the course toolkit raises deliberately."""


class DataError(CourseError):
    """A dataset is missing, unknown, modified or cannot be built."""


class InputError(CourseError, ValueError):
    """A toolkit function was called with arguments it cannot use (bad code, empty range...)."""
