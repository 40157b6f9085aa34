"""Seconds (as the domain keeps time) to the protobuf well-known types, and back."""

from google.protobuf import duration_pb2, timestamp_pb2


def timestamp(seconds: float) -> timestamp_pb2.Timestamp:
    """A Timestamp of `seconds` since the epoch, to the nanosecond."""
    value = timestamp_pb2.Timestamp()
    value.FromNanoseconds(int(seconds * 1e9))
    return value


def duration(seconds: float) -> duration_pb2.Duration:
    """A Duration of `seconds`, to the nanosecond."""
    value = duration_pb2.Duration()
    value.FromNanoseconds(int(seconds * 1e9))
    return value
